//! The wire format of the islands' server functions: JSON in a POST, as
//! server_fn's `Json`, but read in the browser from text (`from_str`), as
//! Leptos reads the islands' props. server_fn's `Json` reads bytes
//! (`from_slice`): serde_json's reader is generic over its input, so the
//! two readers, and the `Deserialize` code of every type they read, were
//! each compiled into the WASM twice.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub struct JsonTextEncoding;

/// `input = JsonText, output = JsonText` on a server function.
pub type JsonText = Post<JsonTextEncoding>;

impl ContentType for JsonTextEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonTextEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(value).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| <serde_json::Error as serde::de::Error>::custom("not UTF-8"))?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes_and_refuses_what_is_not_json_text() {
        let value = vec![("Maple & Co — café".to_owned(), 3u32)];
        let bytes = <JsonTextEncoding as Encodes<_>>::encode(&value).unwrap();
        assert_eq!(bytes, serde_json::to_vec(&value).unwrap());
        let back: Vec<(String, u32)> = JsonTextEncoding::decode(bytes).unwrap();
        assert_eq!(back, value);
        let refused: Result<Vec<(String, u32)>, _> =
            JsonTextEncoding::decode(Bytes::from_static(b"[[\"\xff\", 3]]"));
        assert!(refused.is_err());
        let refused: Result<Vec<(String, u32)>, _> =
            JsonTextEncoding::decode(Bytes::from_static(b"[[1, 3]]"));
        assert!(refused.is_err());
    }
}
