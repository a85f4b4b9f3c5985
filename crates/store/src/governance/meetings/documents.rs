//! The documents attached to a meeting: which types, how large, and their bytes as downloaded.

use super::{Meeting, secretary_only};
use crate::Store;
use crate::access::AccessContext;
use crate::governance::meeting_standing;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, query};
use passerelle_domain::invalid::Invalid;
use passerelle_domain::text::required;
use uuid::Uuid;

/// Largest document attached to a meeting (10 MiB), as the database also checks.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// The document types a meeting accepts: what members open without special software, each with the first
/// bytes its files start with (DOCX, XLSX, ODT and ODS are ZIP archives; text is checked apart).
pub const DOCUMENT_TYPES: [(&str, &[u8]); 8] = [
    ("application/pdf", b"%PDF-"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
    ),
    ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ("application/vnd.oasis.opendocument.spreadsheet", b"PK\x03\x04"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", b"\xff\xd8\xff"),
    ("text/plain", b""),
];

/// Whether the bytes are what the declared type says: its signature, or UTF-8 without NUL for text.
pub fn document_content_matches(content_type: &str, content: &[u8]) -> bool {
    match DOCUMENT_TYPES.iter().find(|(t, _)| *t == content_type) {
        Some(("text/plain", _)) => std::str::from_utf8(content).is_ok_and(|t| !t.contains('\0')),
        Some((_, signature)) => content.starts_with(signature),
        None => false,
    }
}

/// A document's bytes, as downloaded.
#[derive(Debug, Clone)]
pub struct MeetingDocument {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

impl Store {
    /// Attaches a document (the secretary), kept in the database; its type and size are checked.
    pub async fn attach_meeting_document(
        &self,
        ctx: &AccessContext,
        meeting_id: Uuid,
        file_name: &str,
        content_type: &str,
        content: Vec<u8>,
    ) -> Result<Meeting> {
        let file_name = required("file_name", file_name, 200)?;
        if content.is_empty() || content.len() > MAX_DOCUMENT_BYTES {
            return Err(Invalid::new(
                "document_size_invalid",
                "Le document doit faire entre 1 octet et 10 Mo.",
            )
            .on("file")
            .into());
        }
        let content_type = content_type.split(';').next().unwrap_or_default().trim().to_lowercase();
        if !DOCUMENT_TYPES.iter().any(|(t, _)| *t == content_type) {
            return Err(Invalid::new(
                "document_type_not_allowed",
                format!(
                    "Le type de document « {content_type} » n'est pas accepté : PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG \
                     ou texte."
                ),
            )
            .on("file")
            .into());
        }
        if !document_content_matches(&content_type, &content) {
            return Err(Invalid::new(
                "document_content_mismatch",
                format!("Le contenu du document ne correspond pas au type déclaré « {content_type} »."),
            )
            .on("file")
            .into());
        }
        let mut tx = self.pool.begin().await?;
        let s = meeting_standing(&mut tx, ctx, meeting_id).await?;
        secretary_only(&s, ctx)?;
        let id = Uuid::new_v4();
        let size = content.len() as i64;
        tx.execute(
            query(
                "INSERT INTO meeting_documents (id, meeting_id, file_name, content_type, size, content, \
                 uploaded_by_organisation_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(meeting_id)
            .bind(file_name.as_str())
            .bind(content_type.as_str())
            .bind(size)
            .bind(content)
            .bind(s.secretary_organisation_id)
            .bind(crate::infra::clock::now()),
        )
        .await?;
        record(
            &mut tx,
            ctx,
            Event::new("meeting", meeting_id, "meeting.document_attached")
                .by(Some(s.secretary_organisation_id))
                .after(&serde_json::json!({"document_id": id, "file_name": file_name, "size": size})),
        )
        .await?;
        tx.commit().await?;
        self.meeting(ctx, meeting_id).await
    }

    pub async fn meeting_document(&self, ctx: &AccessContext, meeting_id: Uuid, id: Uuid) -> Result<MeetingDocument> {
        let mut db = self.pool.clone();
        meeting_standing(&mut db, ctx, meeting_id).await?;
        let r = db
            .fetch_optional(
                query(
                    "SELECT file_name, content_type, content FROM meeting_documents WHERE id = $1 AND meeting_id = $2",
                )
                .bind(id)
                .bind(meeting_id),
            )
            .await?
            .ok_or(StoreError::not_found("document"))?;
        Ok(MeetingDocument {
            file_name: r.get("file_name")?,
            content_type: r.get("content_type")?,
            content: r.get("content")?,
        })
    }
}
