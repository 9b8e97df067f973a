//! Scrubbing: personal data in recorded bodies replaced with fake values that stay consistent
//! across a recording (the same original always becomes the same fake), derived with an HMAC
//! under a key so that a fake value cannot be traced back to the original.
//!
//! Built-in rules, by key name (case-insensitive): any key holding `email` or `phone`, and the
//! names of people: `firstName`, `lastName`, `contactName` and keys ending so
//! (`primaryFirstName`, `contactLastName`, ...). More rules are key names or JSON pointers.

use fake::Fake as _;
use fake::faker::name::en::{FirstName, LastName, Name};
use rand::SeedableRng as _;
use rand::rngs::ChaCha8Rng;
use ring::hmac;
use serde_json::Value;

/// What a scrubbed value was, which decides the fake that replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Email,
    Phone,
    FirstName,
    LastName,
    Name,
    /// Anything a configured rule names.
    Text,
}

/// A configured rule.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    /// A JSON pointer into a body.
    Pointer(String),
    /// A key name, lower case.
    Key(String),
}

/// Replaces personal data in JSON bodies with consistent fake values.
#[derive(Debug)]
pub(crate) struct Scrubber {
    key: hmac::Key,
    rules: Vec<Rule>,
}

impl Scrubber {
    /// A scrubber with the built-in rules and `rules` (pointers start with `/`), keyed by
    /// `secret` (a random key when `None`).
    pub(crate) fn new(rules: &[String], secret: Option<&str>) -> Self {
        let key = match secret {
            Some(secret) => hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()),
            None => {
                let random: [u8; 32] = rand::random();
                hmac::Key::new(hmac::HMAC_SHA256, &random)
            }
        };
        let rules = rules
            .iter()
            .map(|rule| {
                if rule.starts_with('/') {
                    Rule::Pointer(rule.clone())
                } else {
                    Rule::Key(rule.to_ascii_lowercase())
                }
            })
            .collect();
        Scrubber { key, rules }
    }

    /// Scrubs `value` in place; the pointer of each scrubbed value (below `prefix`) is pushed
    /// onto `scrubbed`.
    pub(crate) fn scrub(&self, value: &mut Value, prefix: &str, scrubbed: &mut Vec<String>) {
        self.walk(value, "", prefix, scrubbed);
    }

    fn walk(&self, value: &mut Value, at: &str, prefix: &str, scrubbed: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                for (key, inner) in object.iter_mut() {
                    let pointer = format!("{at}/{}", escape(key));
                    match (self.kind(key, &pointer), &*inner) {
                        (Some(kind), Value::String(text)) if !text.is_empty() => {
                            *inner = Value::String(self.fake(kind, text));
                            scrubbed.push(format!("{prefix}{pointer}"));
                        }
                        _ => self.walk(inner, &pointer, prefix, scrubbed),
                    }
                }
            }
            Value::Array(items) => {
                for (index, inner) in items.iter_mut().enumerate() {
                    let pointer = format!("{at}/{index}");
                    match (self.pointed(&pointer), &*inner) {
                        (true, Value::String(text)) if !text.is_empty() => {
                            *inner = Value::String(self.fake(Kind::Text, text));
                            scrubbed.push(format!("{prefix}{pointer}"));
                        }
                        _ => self.walk(inner, &pointer, prefix, scrubbed),
                    }
                }
            }
            _ => {}
        }
    }

    fn pointed(&self, pointer: &str) -> bool {
        self.rules
            .iter()
            .any(|rule| matches!(rule, Rule::Pointer(wanted) if wanted == pointer))
    }

    /// The kind of value a key holds when a rule scrubs it.
    fn kind(&self, key: &str, pointer: &str) -> Option<Kind> {
        let lower = key.to_ascii_lowercase();
        let built_in = if lower.contains("email") {
            Some(Kind::Email)
        } else if lower.contains("phone") {
            Some(Kind::Phone)
        } else if lower.ends_with("firstname") {
            Some(Kind::FirstName)
        } else if lower.ends_with("lastname") {
            Some(Kind::LastName)
        } else if lower.ends_with("contactname") {
            Some(Kind::Name)
        } else {
            None
        };
        built_in.or_else(|| {
            let named = self.rules.iter().any(|rule| match rule {
                Rule::Key(wanted) => *wanted == lower,
                Rule::Pointer(wanted) => wanted == pointer,
            });
            named.then_some(if lower.ends_with("name") {
                Kind::Name
            } else {
                Kind::Text
            })
        })
    }

    /// The fake value of `original`: the same for the same original and key, of the same form.
    fn fake(&self, kind: Kind, original: &str) -> String {
        let tag = hmac::sign(&self.key, format!("{kind:?}\u{0}{original}").as_bytes());
        let digest = tag.as_ref();
        let hex: String = digest[..6]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&digest[..32]);
        let mut rng = ChaCha8Rng::from_seed(seed);
        match kind {
            Kind::Email => format!("user-{hex}@example.com"),
            // Each digit replaced, the rest (spaces, dashes, a leading +) kept, so that the
            // fake has the original's form.
            Kind::Phone => original
                .chars()
                .zip(digest.iter().cycle())
                .map(|(c, byte)| {
                    if c.is_ascii_digit() {
                        char::from(b'0' + byte % 10)
                    } else {
                        c
                    }
                })
                .collect(),
            Kind::FirstName => FirstName().fake_with_rng(&mut rng),
            Kind::LastName => LastName().fake_with_rng(&mut rng),
            Kind::Name => Name().fake_with_rng(&mut rng),
            Kind::Text => format!("scrubbed-{hex}"),
        }
    }
}

/// A key as a JSON pointer writes it (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_data_becomes_consistent_fakes_and_the_rest_stays() {
        let scrubber = Scrubber::new(
            &["siteName".to_owned(), "/notes/1".to_owned()],
            Some("a key of sixteen+"),
        );
        let mut body = json!({
            "quoteId": "0Q0KQ000000CvYs0AK",
            "contactEmail": "jane.doe@corp.example",
            "contacts": [{"firstName": "Jane", "lastName": "Doe", "phone": "+1 (214) 555-0134"}],
            "signer": {"userEmail": "jane.doe@corp.example"},
            "siteName": "Jane's house",
            "notes": ["keep", "drop"],
        });
        let mut scrubbed = Vec::new();
        scrubber.scrub(&mut body, "/request/body", &mut scrubbed);
        assert_eq!(body["quoteId"], "0Q0KQ000000CvYs0AK");
        let email = body["contactEmail"].as_str().expect("a string");
        assert!(
            email.starts_with("user-") && email.ends_with("@example.com"),
            "{email}"
        );
        assert_eq!(
            body["signer"]["userEmail"], body["contactEmail"],
            "the same original, the same fake"
        );
        let phone = body["contacts"][0]["phone"].as_str().expect("a string");
        assert_eq!(phone.len(), "+1 (214) 555-0134".len());
        assert!(
            phone.starts_with("+") && phone.contains(" (") && phone != "+1 (214) 555-0134",
            "{phone}"
        );
        assert_ne!(body["contacts"][0]["firstName"], "Jane");
        assert!(
            body["siteName"]
                .as_str()
                .is_some_and(|name| name != "Jane's house")
        );
        assert_eq!(body["notes"], json!(["keep", body["notes"][1].clone()]));
        assert!(
            body["notes"][1]
                .as_str()
                .is_some_and(|text| text.starts_with("scrubbed-"))
        );
        scrubbed.sort();
        assert_eq!(
            scrubbed,
            [
                "/request/body/contactEmail",
                "/request/body/contacts/0/firstName",
                "/request/body/contacts/0/lastName",
                "/request/body/contacts/0/phone",
                "/request/body/notes/1",
                "/request/body/signer/userEmail",
                "/request/body/siteName",
            ]
        );
        // Another key, other fakes; the same key, the same fakes.
        let again = |key: &str| {
            let mut value = json!({"email": "jane.doe@corp.example"});
            Scrubber::new(&[], Some(key)).scrub(&mut value, "", &mut Vec::new());
            value
        };
        assert_eq!(again("a key of sixteen+"), json!({"email": email}));
        assert_ne!(again("another key, long"), json!({"email": email}));
    }
}
