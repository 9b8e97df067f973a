//! The lookup request body, as the code reads it once the schema has accepted it.

use serde::Deserialize;

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
/// lookup (see `validate::quick_request`). [`QuickFields::read`] gives up, and the caller takes
/// the full path, on anything unusual: a field that is not a string (`null` included), a string
/// or a key with escapes, a duplicate key, a key the request does not define (the schema
/// allows them; the full path reads them), anything but an object where an object belongs.
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

impl<'a> QuickFields<'a> {
    /// Reads a plain lookup body, or `None` when it holds anything unusual (see the type).
    pub fn read(body: &'a str) -> Option<Self> {
        let mut scan = Scan { body, at: 0 };
        let (mut sp_id, mut account_name, mut address) = (None, None, None);
        scan.object(|scan, key| match key {
            "spId" => once(&mut sp_id, scan.string()?),
            "accountName" => once(&mut account_name, scan.string()?),
            "address" => once(&mut address, QuickAddress::read(scan)?),
            _ => None,
        })?;
        scan.end()?;
        Some(QuickFields {
            sp_id,
            account_name: account_name?,
            address: address?,
        })
    }
}

impl<'a> QuickAddress<'a> {
    fn read(scan: &mut Scan<'a>) -> Option<Self> {
        const KEYS: [&str; 5] = ["street", "city", "state", "zipCode", "country"];
        let mut fields: [Option<&'a str>; 5] = [None; 5];
        scan.object(|scan, key| {
            let at = KEYS.iter().position(|known| *known == key)?;
            once(&mut fields[at], scan.string()?)
        })?;
        let [street, city, state, zip_code, country] = fields;
        Some(QuickAddress {
            street: street?,
            city: city?,
            state: state?,
            zip_code: zip_code?,
            country,
        })
    }
}

/// Fills a field once: a second value for the same key is `None`.
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    slot.replace(value).is_none().then_some(())
}

/// A cursor over a JSON text that reads only objects of plain strings: no escapes, no other
/// kind of value. Whatever else it meets, valid JSON or not, makes it give up (`None`).
struct Scan<'a> {
    body: &'a str,
    at: usize,
}

impl<'a> Scan<'a> {
    fn skip_space(&mut self) {
        let rest = &self.body.as_bytes()[self.at..];
        self.at += rest
            .iter()
            .position(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
    }

    /// The next byte after white space, consumed.
    fn next(&mut self) -> Option<u8> {
        self.skip_space();
        let byte = *self.body.as_bytes().get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    /// A string without escapes or control characters, borrowed from the body.
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let rest = &self.body.as_bytes()[self.at..];
        let end = find_special(rest)?;
        if rest[end] != b'"' {
            return None;
        }
        // The quotes are ASCII, so both ends are character boundaries.
        let text = &self.body[self.at..self.at + end];
        self.at += end + 1;
        Some(text)
    }

    /// An object: each member's value is read by `member`, given the member's key.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.expect(b'{')?;
        self.skip_space();
        if self.body.as_bytes().get(self.at) == Some(&b'}') {
            self.at += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            member(self, key)?;
            match self.next()? {
                b',' => {}
                b'}' => return Some(()),
                _ => return None,
            }
        }
    }

    /// Nothing but white space left.
    fn end(&mut self) -> Option<()> {
        self.skip_space();
        (self.at == self.body.len()).then_some(())
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

/// Where the first byte that ends a plain string is (a quote, a backslash or a control
/// character), looking at eight bytes at a time.
fn find_special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    // The high bit of each byte below `n` (n <= 128) is set. A borrow can set it in a byte
    // after such a byte too, never before the first: the lowest bit set is the first match.
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS;
    let equal = |word: u64, byte: u8| below(word ^ (ONES * u64::from(byte)), 1);
    let mut offset = 0;
    while offset < bytes.len() {
        let rest = &bytes[offset..];
        let eight = match rest.first_chunk::<8>() {
            Some(eight) => *eight,
            None => {
                // The last few bytes, padded with spaces, which are not special.
                let mut padded = [b' '; 8];
                padded[..rest.len()].copy_from_slice(rest);
                padded
            }
        };
        let word = u64::from_le_bytes(eight);
        let found = equal(word, b'"') | equal(word, b'\\') | below(word, 0x20);
        if found != 0 {
            // Little-endian: the lowest bits are the first byte.
            return Some(offset + found.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Eight bytes at a time finds what one byte at a time finds.
        #[test]
        fn find_special_finds_the_first_special_byte(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => 0x20_u8..0x7f,
                    1 => proptest::sample::select(vec![b'"', b'\\', 0, 0x1f, 0x20, 0x7f, 0x80, 0xff]),
                ],
                0..40,
            )
        ) {
            let is_special = |byte: &u8| matches!(byte, b'"' | b'\\' | 0..=0x1f);
            proptest::prop_assert_eq!(find_special(&bytes), bytes.iter().position(is_special));
        }
    }

    fn read(body: &str) -> Option<QuickFields<'_>> {
        QuickFields::read(body)
    }

    const ADDRESS: &str = r#"{"street":"","city":"PLANO","state":"TX","zipCode":"75075"}"#;

    #[test]
    fn a_plain_body_is_read_in_any_order_and_layout() {
        let body = format!(
            " \r\n{{ \"accountName\" :\t\"ACME\" ,\n\"address\":{ADDRESS}, \"spId\":\"10006\"}}\n "
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
            format!(r#"{{"x":1,"accountName":"ACME","address":{ADDRESS}}}"#),
            r#"{"accountName":"ACME","address":{"street":"","city":"PLANO","state":"TX","zipCode":"75075","x":""}}"#.to_owned(),
            format!("{{\"accountName\":\"AC\u{1}ME\",\"address\":{ADDRESS}}}"),
            format!(r#"{{"accountName":"ACME","address":{ADDRESS}}} x"#),
            format!(r#"{{"accountName":"ACME","address":{ADDRESS},}}"#),
            format!(r#"{{"accountName":"ACME""address":{ADDRESS}}}"#),
            format!(r#"{{"accountName":"ACME","address":{ADDRESS}"#),
            r#"{"accountName":"ACME","address":{}}"#.to_owned(),
            String::new(),
        ] {
            assert!(read(&body).is_none(), "{body}");
        }
    }
}
