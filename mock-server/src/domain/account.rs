//! One end-customer account, in the response's shape and key order.
//!
//! The fields mirror `schemas/account.schema.json`; the schema is what validates, this type is
//! what the code reads. A test checks that the two agree on the keys and their order.

use serde::{Deserialize, Serialize};

/// An end-customer account as End-Customer Lookup returns it. Field order is the key order of
/// the portal's example, which serialization keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// Where the account is.
    pub account_address: AccountAddress,
    /// The end customer's name.
    pub account_name: String,
    /// The account id, e.g. `0013g00000cUIRtAAO`.
    pub account_id: String,
    /// Required by the portal, yet often `null`.
    pub acid: Option<String>,
    /// Often `null`.
    pub sales_segment: Option<String>,
    /// The id that later calls of the Ordering flow use, e.g. `U8GOM4`.
    pub sub_account_id: Option<String>,
    /// e.g. `Active (Remote)`.
    pub contract_status: Option<String>,
    /// The parent partner's account id.
    pub parent_partner_acc_id: Option<String>,
    /// The partner's id.
    pub partner_id: Option<String>,
    /// `Y` when a Letter of Agency is on file, `N` otherwise.
    pub loa_status: String,
    /// e.g. `ATT ONLY`, `OPPORTUNITY`; the list is open.
    pub alliance_status: String,
    /// e.g. `Active`, `Inactive`, or `null`.
    pub account_status: Option<String>,
    /// `N`, `NA` or `Y`.
    pub exception: String,
}

/// An account's address. Field order is the portal's (alphabetical).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountAddress {
    /// e.g. `PLANO`.
    pub city: String,
    /// `USA` or `US`.
    pub country: String,
    /// A USPS state code, e.g. `TX`.
    pub state: String,
    /// e.g. `2900 W PLANO PKWY`.
    pub street: String,
    /// ZIP+4 as 9 digits without a hyphen (e.g. `750758004`), or 5 digits.
    pub zip_code: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use alliance_schemas::SchemaName;
    use serde_json::Value;

    fn keys(value: &Value) -> Vec<String> {
        value
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    }

    #[test]
    fn the_type_and_the_schema_agree_on_keys_and_their_order() {
        let schema = SchemaName::ACCOUNT.to_value().expect("the schema parses");
        let account = Account {
            account_address: AccountAddress {
                city: "PLANO".into(),
                country: "USA".into(),
                state: "TX".into(),
                street: "2900 W PLANO PKWY".into(),
                zip_code: "750758004".into(),
            },
            account_name: "AT&T CLOUD TEST FOUNDRY".into(),
            account_id: "0013g00000cUIRtAAO".into(),
            acid: None,
            sales_segment: None,
            sub_account_id: Some("U8GOM4".into()),
            contract_status: None,
            parent_partner_acc_id: None,
            partner_id: None,
            loa_status: "N".into(),
            alliance_status: "ATT ONLY".into(),
            account_status: Some("Inactive".into()),
            exception: "N".into(),
        };
        let serialized = serde_json::to_value(&account).expect("serializes");
        assert_eq!(keys(&serialized), keys(&schema["properties"]));
        let address = SchemaName::ACCOUNT_ADDRESS
            .to_value()
            .expect("the schema parses");
        assert_eq!(
            keys(&serialized["accountAddress"]),
            keys(&address["properties"])
        );
        let required: Vec<String> =
            serde_json::from_value(schema["required"].clone()).expect("a list");
        assert_eq!(keys(&serialized), required);
    }
}
