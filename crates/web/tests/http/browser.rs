//! The stories in a real headless Chromium, each page audited by axe-core with zero serious or critical
//! violations: the directory (web/e2e/directory.mjs) and the referral sheet from both sides
//! (web/e2e/referral.mjs).

use crate::{Backend, TestApp, email};
use std::path::PathBuf;
use std::process::Command;

/// Runs `web/e2e/<script>` against a fresh server with `args`, then the screenshot path; checks it passed
/// and took a real screenshot, kept as `<name>.png` in `PASSERELLE_SCREENSHOTS` when set.
async fn run_script(script: &str, args: &[String], name: &str) {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let script = root.join("web/e2e").join(script);
    let screenshot = std::env::temp_dir().join(format!("passerelle-{name}-{}.png", uuid::Uuid::new_v4()));
    let mut command_args = vec![app.base.clone()];
    command_args.extend_from_slice(args);
    let out = tokio::task::spawn_blocking({
        let screenshot = screenshot.clone();
        move || {
            Command::new("node")
                .arg(&script)
                .args(&command_args)
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
        let _ = std::fs::copy(&screenshot, PathBuf::from(dir).join(format!("{name}.png")));
    }
}

#[tokio::test]
async fn directory_in_headless_chromium() {
    run_script(
        "directory.mjs",
        &[email("ft-dijon"), crate::PASSWORD.into()],
        "annuaire",
    )
    .await;
}

#[tokio::test]
async fn referral_sheet_from_both_sides_in_headless_chromium() {
    let args = [email("aci-jardins"), email("ml-dijon"), crate::PASSWORD.into()];
    run_script("referral.mjs", &args, "fiche-navette").await;
}
