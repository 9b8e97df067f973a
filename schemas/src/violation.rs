//! A schema violation as a plain value: where in the instance, which schema rule, what was wrong.

use std::fmt;

use serde::Serialize;

/// One way an instance breaks a schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// JSON pointer to the offending value in the instance; empty for the whole instance. For a
    /// missing key it points at the object that lacks it.
    pub pointer: String,
    /// JSON pointer to the rule in the schema, e.g. `/properties/accountName/minLength`.
    pub schema_path: String,
    /// What was expected and what arrived, e.g. `"AB" is shorter than 3 characters`.
    pub message: String,
}

impl Violation {
    pub(crate) fn from_error(error: &jsonschema::ValidationError<'_>) -> Self {
        Violation {
            pointer: error.instance_path().as_str().to_owned(),
            schema_path: error.schema_path().as_str().to_owned(),
            message: error.to_string(),
        }
    }

    /// The pointer as people read it: `/address/zipCode`, or `(root)` for the whole instance.
    pub fn location(&self) -> &str {
        if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}
