//! A file a use case hands over: the web answers it as an attachment, the command line writes it.

#[derive(Debug, Clone)]
pub struct Download {
    /// The name proposed to save it under.
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Download {
    pub fn pdf(file_name: String, bytes: Vec<u8>) -> Self {
        Self {
            file_name,
            content_type: "application/pdf",
            bytes,
        }
    }
}
