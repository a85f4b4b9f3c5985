//! The story in a real headless Chromium: log in through the form, open the directory, take a
//! screenshot, and run axe-core with zero serious or critical violations (web/e2e/directory.mjs).

use crate::{Backend, TestApp, email};
use std::path::PathBuf;
use std::process::Command;

#[tokio::test]
async fn directory_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = root.join("web/e2e/directory.mjs");
    let screenshot = std::env::temp_dir().join(format!("passerelle-annuaire-{}.png", uuid::Uuid::new_v4()));
    let base = app.base.clone();
    let account = email("ft-dijon");
    let out = tokio::task::spawn_blocking({
        let screenshot = screenshot.clone();
        move || {
            Command::new("node")
                .arg(&script)
                .args([&base, &account, crate::PASSWORD])
                .arg(&screenshot)
                .current_dir(root.join("web"))
                .output()
                .expect("node runs (scripts/setup installs Node packages and Chromium)")
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "browser test failed:\n{stdout}\n{stderr}");
    let png = std::fs::read(&screenshot).expect("a screenshot was taken");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "the screenshot is a real PNG"
    );
    if let Ok(dir) = std::env::var("PASSERELLE_SCREENSHOTS") {
        let _ = std::fs::copy(&screenshot, PathBuf::from(dir).join("annuaire.png"));
    }
}
