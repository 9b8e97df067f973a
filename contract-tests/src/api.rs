//! The API as data: every operation of `schemas/openapi.yaml` with its method, path, request
//! schema, query parameters, response schema per status and example request.
//!
//! Nothing here names an operation: the document does. The catalogue asks for operations by
//! their `operationId`, and a new operation in the document is a new entry here.

use std::collections::BTreeMap;

use alliance_schemas::{OPENAPI_YAML, SchemaName};
use serde_json::Value;

use crate::basis::Basis;

/// The `operationId` of End-Customer Lookup, the flow's first step.
pub const LOOKUP: &str = "customerAccountLookup";

/// A query parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryParameter {
    /// Its name.
    pub name: String,
    /// Whether a request must carry it.
    pub required: bool,
    /// The document's example value.
    pub example: Option<Value>,
    /// What the parameter rests on, from its description.
    pub basis: Basis,
}

/// One operation of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The `operationId`, e.g. `createOrder`.
    pub id: String,
    /// `GET`, `POST` or `PUT`.
    pub method: String,
    /// The path under the base URL, e.g. `/api/v1/order`.
    pub path: String,
    /// The request body's schema, for operations that take a body.
    pub request: Option<SchemaName>,
    /// The query parameters, in the document's order.
    pub query: Vec<QueryParameter>,
    /// The schema of the answer for each status the document lists.
    pub responses: BTreeMap<u16, SchemaName>,
    /// The first request example of the document, for operations that take a body.
    pub example: Option<Value>,
    /// Whether a successful call creates or changes something on the endpoint: every operation
    /// that is not a `GET`, unless the document marks it `x-read-only` (the lookup).
    pub writes: bool,
    /// The production host the document names for this operation, if any.
    pub production_url: Option<String>,
}

impl Operation {
    /// The schema of a successful answer: the one for 200, else the first 2xx listed.
    pub fn success_schema(&self) -> Option<SchemaName> {
        self.responses
            .get(&200)
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|(status, _)| (200..300).contains(*status))
                    .map(|(_, schema)| schema)
            })
            .copied()
    }

    /// The schema of an answer with `status`: the listed one, or the success schema for an
    /// unlisted 2xx, or the error schema.
    pub fn schema_for(&self, status: u16) -> SchemaName {
        match self.responses.get(&status) {
            Some(schema) => *schema,
            None if (200..300).contains(&status) => {
                self.success_schema().unwrap_or(SchemaName::ERROR)
            }
            None => SchemaName::ERROR,
        }
    }
}

/// Why the document cannot be read as operations.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// `openapi.yaml` is not YAML.
    #[error("schemas/openapi.yaml is not valid YAML")]
    Yaml(#[source] yaml_serde::Error),
    /// A part of the document is not what the reader expects.
    #[error("schemas/openapi.yaml: {pointer}: {message}")]
    Shape {
        /// Where in the document.
        pointer: String,
        /// What was expected.
        message: String,
    },
}

/// Every operation of the API, in the document's order (which is the flow's order).
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    operations: Vec<Operation>,
}

const METHODS: [&str; 4] = ["get", "post", "put", "delete"];

impl Api {
    /// Reads the embedded `schemas/openapi.yaml`.
    ///
    /// # Errors
    ///
    /// An [`ApiError`] naming the part of the document that cannot be read.
    pub fn load() -> Result<Self, ApiError> {
        let document: Value = yaml_serde::from_str(OPENAPI_YAML).map_err(ApiError::Yaml)?;
        Self::from_document(&document)
    }

    /// Reads the operations of an OpenAPI document whose components refer to the schema files.
    ///
    /// # Errors
    ///
    /// An [`ApiError`] naming the part of the document that cannot be read.
    pub fn from_document(document: &Value) -> Result<Self, ApiError> {
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| shape("/paths", "an object of paths"))?;
        let mut operations = Vec::new();
        for (path, item) in paths {
            for method in METHODS {
                if let Some(operation) = item.get(method) {
                    let pointer = format!("/paths/{}/{method}", escape(path));
                    operations.push(read_operation(document, path, method, operation, &pointer)?);
                }
            }
        }
        Ok(Api { operations })
    }

    /// Every operation.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation with this `operationId`.
    pub fn get(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// The operation with this `operationId`, for ids the catalogue knows the document has.
    ///
    /// # Panics
    ///
    /// When the embedded document lacks it, which the crate's tests rule out.
    pub(crate) fn expect(&self, id: &str) -> &Operation {
        self.get(id)
            .unwrap_or_else(|| panic!("schemas/openapi.yaml has no operation {id}"))
    }
}

fn shape(pointer: &str, expected: &str) -> ApiError {
    ApiError::Shape {
        pointer: pointer.to_owned(),
        message: format!("expected {expected}"),
    }
}

/// A JSON pointer segment for `text`.
fn escape(text: &str) -> String {
    text.replace('~', "~0").replace('/', "~1")
}

fn read_operation(
    document: &Value,
    path: &str,
    method: &str,
    operation: &Value,
    pointer: &str,
) -> Result<Operation, ApiError> {
    let id = operation
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| shape(&format!("{pointer}/operationId"), "a string"))?
        .to_owned();
    let media = operation.pointer("/requestBody/content/application~1json");
    let request = media
        .map(|media| {
            schema_of(
                document,
                &media["schema"],
                &format!("{pointer}/requestBody"),
            )
        })
        .transpose()?;
    let example = media.and_then(first_example);
    let mut query = Vec::new();
    for parameter in operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if parameter.get("in").and_then(Value::as_str) == Some("query") {
            query.push(QueryParameter {
                name: parameter["name"].as_str().unwrap_or_default().to_owned(),
                required: parameter["required"].as_bool().unwrap_or(false),
                example: parameter.get("example").cloned(),
                basis: parameter["description"]
                    .as_str()
                    .and_then(Basis::from_description)
                    .unwrap_or(Basis::Assumed),
            });
        }
    }
    let mut responses = BTreeMap::new();
    for (status, response) in operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Ok(status) = status.parse::<u16>() else {
            continue;
        };
        let response = resolve(document, response, "#/components/responses/");
        if let Some(schema) = response.pointer("/content/application~1json/schema") {
            let at = format!("{pointer}/responses/{status}");
            responses.insert(status, schema_of(document, schema, &at)?);
        }
    }
    let read_only = operation.get("x-read-only").and_then(Value::as_bool) == Some(true);
    let production_url = operation
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|server| {
            server["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("Production"))
        })
        .and_then(|server| server["url"].as_str())
        .map(str::to_owned);
    Ok(Operation {
        id,
        method: method.to_uppercase(),
        path: path.to_owned(),
        request,
        query,
        responses,
        example,
        writes: method != "get" && !read_only,
        production_url,
    })
}

/// `value`, or what its `$ref` under `prefix` names.
fn resolve<'a>(document: &'a Value, value: &'a Value, prefix: &str) -> &'a Value {
    match value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(prefix))
    {
        Some(name) => {
            let section = prefix.trim_start_matches("#/").trim_end_matches('/');
            document
                .pointer(&format!("/{section}/{}", escape(name)))
                .unwrap_or(value)
        }
        None => value,
    }
}

/// The schema file a `#/components/schemas/X` reference stands for.
fn schema_of(document: &Value, schema: &Value, pointer: &str) -> Result<SchemaName, ApiError> {
    let component = resolve(document, schema, "#/components/schemas/");
    component
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|file| SchemaName::from_file_name(file.trim_start_matches("./")))
        .ok_or_else(|| {
            shape(
                pointer,
                "a schema component that refers to a file of schemas/",
            )
        })
}

fn first_example(media: &Value) -> Option<Value> {
    media.get("example").cloned().or_else(|| {
        media
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|named| named.values().next())
            .and_then(|example| example.get("value").cloned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_has_the_twelve_operations_in_flow_order() {
        let api = Api::load().expect("the document reads");
        let ids: Vec<&str> = api.operations().iter().map(|op| op.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "customerAccountLookup",
                "createOpportunityQuote",
                "addSite",
                "addConfigAiab",
                "creditCheckAiab",
                "initiateContractAiab",
                "getContract",
                "createOrder",
                "enrichInstallation",
                "enrichShippingAiab",
                "enrichBilling",
                "getOrderStatus"
            ]
        );
    }

    #[test]
    fn operations_carry_their_schemas_and_whether_they_write() {
        let api = Api::load().expect("the document reads");
        let lookup = api.expect(LOOKUP);
        assert_eq!(lookup.request, Some(SchemaName::LOOKUP_REQUEST));
        assert_eq!(lookup.success_schema(), Some(SchemaName::LOOKUP_RESPONSE));
        assert_eq!(lookup.schema_for(401), SchemaName::ERROR);
        assert!(!lookup.writes);
        let order = api.expect("createOrder");
        assert_eq!(order.method, "POST");
        assert!(order.writes);
        assert!(order.example.is_some());
        let status = api.expect("getOrderStatus");
        assert!(!status.writes);
        assert_eq!(status.request, None);
        assert!(
            status
                .query
                .iter()
                .any(|p| p.name == "externalIdentifierId" && p.required)
        );
        assert_eq!(
            order.production_url.as_deref(),
            Some("https://att-order-eapi.gw.cloud.att.com")
        );
    }
}
