//! An Office Open XML package (ECMA-376 part 2): the parts of a DOCX in a ZIP archive written by the `zip`
//! crate, deflated, every entry dated 1 January 2026 so that the same document gives the same bytes.

use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

fn write(parts: &[(&str, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::from_date_and_time(2026, 1, 1, 0, 0, 0)?);
    let mut archive = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        archive.start_file(*name, options)?;
        archive.write_all(data)?;
    }
    Ok(archive.finish()?.into_inner())
}

/// The package of `parts` (name, content), in memory: writing can only fail on a bug (names are constants),
/// logged, with an empty package rather than a panic.
pub fn archive(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    write(parts).unwrap_or_else(|e| {
        tracing::error!(error = %e, "paquet DOCX non écrit");
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    #[test]
    fn parts_read_back_and_the_bytes_are_reproducible() {
        let parts = [("a.xml", b"<a/>".to_vec()), ("dir/b.xml", "é".repeat(500).into_bytes())];
        let bytes = super::archive(&parts);
        assert_eq!(bytes, super::archive(&parts));
        let mut read = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        assert_eq!(read.len(), 2);
        let mut b = read.by_name("dir/b.xml").unwrap();
        assert_eq!(b.compression(), zip::CompressionMethod::Deflated);
        assert!(b.compressed_size() < b.size() / 10);
        let mut text = String::new();
        b.read_to_string(&mut text).unwrap();
        assert_eq!(text, "é".repeat(500));
    }
}
