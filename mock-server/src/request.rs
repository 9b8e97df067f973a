//! The lookup request body, as the code reads it once the schema has accepted it.

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, Error as _, IgnoredAny, MapAccess, Visitor};

/// The body of `POST /api/v1/customerAccountLookup`. Unknown keys are ignored, as the schema
/// allows them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LookupRequest {
    /// The Solution Provider's id; absent in older examples.
    pub sp_id: Option<String>,
    /// The name to look up (fuzzy, `*` wildcards).
    pub account_name: String,
    /// The address to look up.
    pub address: RequestAddress,
}

/// The address part of a lookup request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestAddress {
    /// Fuzzy; may be empty.
    pub street: String,
    /// Exact.
    pub city: String,
    /// Exact; a code (`TX`) or a full name (`Texas`).
    pub state: String,
    /// Exact on the first five digits.
    pub zip_code: String,
    /// Only in older examples; ignored by the search.
    pub country: Option<String>,
}

/// The request's fields as read straight from the body, borrowed, for the quick path of a
/// lookup (see `validate::quick_request`). Reading fails, and the caller takes the full path,
/// for anything unusual: a field that is not a string (`null` included), a string or a key with
/// escapes, a duplicate key, anything but an object where an object belongs. Other keys are
/// skipped, as the schema allows them.
#[derive(Debug)]
pub struct QuickFields<'a> {
    /// `spId`, when present.
    pub sp_id: Option<&'a str>,
    /// `accountName`.
    pub account_name: &'a str,
    /// `address`.
    pub address: QuickAddress<'a>,
}

/// The address of [`QuickFields`].
#[derive(Debug)]
pub struct QuickAddress<'a> {
    /// `street`.
    pub street: &'a str,
    /// `city`.
    pub city: &'a str,
    /// `state`.
    pub state: &'a str,
    /// `zipCode`.
    pub zip_code: &'a str,
    /// `country`, when present.
    pub country: Option<&'a str>,
}

/// Fills a field once: a second value for the same key is an error.
fn once<'a, E: serde::de::Error>(
    slot: &mut Option<&'a str>,
    value: &'a str,
    key: &'static str,
) -> Result<(), E> {
    if slot.replace(value).is_some() {
        return Err(E::duplicate_field(key));
    }
    Ok(())
}

impl<'de> Deserialize<'de> for QuickFields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;

        impl<'de> Visitor<'de> for Fields {
            type Value = QuickFields<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a lookup request object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let (mut sp_id, mut account_name, mut address) = (None, None, None);
                while let Some(key) = map.next_key::<&'de str>()? {
                    match key {
                        "spId" => once(&mut sp_id, map.next_value()?, "spId")?,
                        "accountName" => {
                            once(&mut account_name, map.next_value()?, "accountName")?;
                        }
                        "address" => {
                            if address
                                .replace(map.next_value::<QuickAddress<'de>>()?)
                                .is_some()
                            {
                                return Err(A::Error::duplicate_field("address"));
                            }
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(QuickFields {
                    sp_id,
                    account_name: account_name
                        .ok_or_else(|| A::Error::missing_field("accountName"))?,
                    address: address.ok_or_else(|| A::Error::missing_field("address"))?,
                })
            }
        }

        deserializer.deserialize_map(Fields)
    }
}

impl<'de> Deserialize<'de> for QuickAddress<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Address;

        impl<'de> Visitor<'de> for Address {
            type Value = QuickAddress<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("an address object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut fields: [Option<&'de str>; 5] = [None; 5];
                const KEYS: [&str; 5] = ["street", "city", "state", "zipCode", "country"];
                while let Some(key) = map.next_key::<&'de str>()? {
                    match KEYS.iter().position(|known| *known == key) {
                        Some(at) => once(&mut fields[at], map.next_value()?, KEYS[at])?,
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let [street, city, state, zip_code, country] = fields;
                let required = |value: Option<&'de str>, key| {
                    value.ok_or_else(|| A::Error::missing_field(key))
                };
                Ok(QuickAddress {
                    street: required(street, "street")?,
                    city: required(city, "city")?,
                    state: required(state, "state")?,
                    zip_code: required(zip_code, "zipCode")?,
                    country,
                })
            }
        }

        deserializer.deserialize_map(Address)
    }
}

impl QuickFields<'_> {
    /// The request, normalised for the search.
    pub fn query(&self) -> crate::search::Query {
        let address = &self.address;
        crate::search::Query::of(
            self.account_name,
            address.street,
            address.city,
            address.state,
            address.zip_code,
        )
    }

    /// The owned request.
    pub fn to_request(&self) -> LookupRequest {
        let address = &self.address;
        LookupRequest {
            sp_id: self.sp_id.map(str::to_owned),
            account_name: self.account_name.to_owned(),
            address: RequestAddress {
                street: address.street.to_owned(),
                city: address.city.to_owned(),
                state: address.state.to_owned(),
                zip_code: address.zip_code.to_owned(),
                country: address.country.map(str::to_owned),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Option<QuickFields<'_>> {
        serde_json::from_str(body).ok()
    }

    const ADDRESS: &str = r#"{"street":"","city":"PLANO","state":"TX","zipCode":"75075"}"#;

    #[test]
    fn a_plain_body_is_read_and_other_keys_are_skipped() {
        let body = format!(
            r#"{{"x":[1,{{"y":null}}],"accountName":"ACME","address":{ADDRESS},"spId":"10006"}}"#
        );
        let fields = read(&body).expect("read");
        assert_eq!(
            (fields.sp_id, fields.account_name, fields.address.city),
            (Some("10006"), "ACME", "PLANO")
        );
        assert_eq!(fields.address.country, None);
        let body = format!(r#"{{"accountName":"ACME","address":{ADDRESS}}}"#);
        assert_eq!(read(&body).expect("read").sp_id, None);
    }

    #[test]
    fn anything_unusual_is_left_to_the_full_path() {
        for body in [
            format!(r#"{{"accountName":"ACME","accountName":"X","address":{ADDRESS}}}"#),
            format!(r#"{{"accountName":"ACME","address":{ADDRESS},"address":{ADDRESS}}}"#),
            r#"{"accountName":"ACME","address":{"street":"","street":"","city":"P","state":"TX","zipCode":"75075"}}"#.to_owned(),
            format!(r#"{{"accountName":"AC\u004dE","address":{ADDRESS}}}"#),
            format!(r#"{{"account\u004eame":"ACME","address":{ADDRESS}}}"#),
            format!(r#"{{"spId":null,"accountName":"ACME","address":{ADDRESS}}}"#),
            format!(r#"{{"accountName":7,"address":{ADDRESS}}}"#),
            r#"{"accountName":"ACME","address":["","PLANO","TX","75075"]}"#.to_owned(),
            r#"{"accountName":"ACME","address":{"street":"","city":"PLANO","state":"TX"}}"#.to_owned(),
            format!(r#"{{"address":{ADDRESS}}}"#),
            r#"["ACME"]"#.to_owned(),
        ] {
            assert!(read(&body).is_none(), "{body}");
        }
    }
}
