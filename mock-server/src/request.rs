//! The lookup request body, as the code reads it once the schema has accepted it.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

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
/// for anything unusual: a field that is not a string (`null` included), a string with escapes,
/// a duplicate key, an array where an object belongs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuickFields<'a> {
    /// `spId`, when present.
    #[serde(default, deserialize_with = "present_string")]
    pub sp_id: Option<&'a str>,
    /// `accountName`.
    pub account_name: &'a str,
    /// `address`.
    pub address: ObjectOnly<QuickAddress<'a>>,
}

/// The address of [`QuickFields`].
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
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
    #[serde(default, deserialize_with = "present_string")]
    pub country: Option<&'a str>,
}

impl QuickFields<'_> {
    /// The request, normalised for the search.
    pub fn query(&self) -> crate::search::Query {
        let address = &self.address.0;
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
        let address = &self.address.0;
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

/// A string that is present: `null` is refused rather than read as absent.
fn present_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<&'de str>, D::Error> {
    <&'de str>::deserialize(deserializer).map(Some)
}

/// `T` read from a JSON object only: a derived struct would also accept an array of its fields.
#[derive(Debug)]
pub struct ObjectOnly<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOnly<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(ObjectOnly)
    }
}
