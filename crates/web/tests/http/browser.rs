//! The stories in a real headless Chromium (web/e2e/*.mjs, playwright-core and axe-core): the directory,
//! the referral sheet from both sides, the benefits simulator with its print view as a PDF, the agreements, the
//! SPE referent's dashboard on a phone, the indicators, the legal pages and the password reset. Each script logs
//! in through the form and runs axe-core with zero serious or critical violations allowed, on each page at the
//! journey's width, at 1,024 px and at 375 px, with the page no wider than the screen (web/e2e/harness.mjs).

use crate::{Backend, TestApp, email};
use passerelle_domain::benefits::{self, CaseInput, EarningInput, EarningKind, HouseholdInput, PersonInput};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `node web/e2e/<script> <base> <email> <password> <more...>` against the test server, from `web/`
/// (where its Node packages are), and fails the test with the script's report unless it succeeds.
pub(crate) async fn run_browser_script(app: &TestApp, script: &str, account: &str, more: Vec<String>) {
    let web = repository().join("web");
    let script = web.join("e2e").join(script);
    let args: Vec<String> = [app.base.clone(), email(account), crate::PASSWORD.to_owned()]
        .into_iter()
        .chain(more)
        .collect();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .env(
                passerelle_store::infra::clock::TODAY_VARIABLE,
                crate::TEST_DAY.to_string(),
            )
            .arg(&script)
            .args(&args)
            .current_dir(&web)
            .output()
            .expect("node runs (scripts/setup installs Node packages and Chromium)")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "browser test failed:\n{stdout}\n{stderr}");
}

fn scratch(name: &str, extension: &str) -> PathBuf {
    std::env::temp_dir().join(format!("passerelle-{name}-{}.{extension}", uuid::Uuid::new_v4()))
}

/// A real PNG of some size, kept under `$PASSERELLE_SCREENSHOTS` when set.
fn check_screenshot(path: &Path, keep_as: &str) {
    let png = std::fs::read(path).expect("a screenshot was taken");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "the screenshot is a real PNG"
    );
    if let Ok(dir) = std::env::var("PASSERELLE_SCREENSHOTS") {
        let _ = std::fs::copy(path, PathBuf::from(dir).join(keep_as));
    }
}

/// The home of an ACI, a France Travail agency and the DDETS (web/e2e/home.mjs), at 1,024 px and on a phone:
/// today's work with its counts, nothing wider than the screen, the ACI's count leading to its referrals.
#[tokio::test]
async fn home_per_role_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let prefix = scratch("accueil", "d").display().to_string();
    run_browser_script(
        &app,
        "home.mjs",
        "aci-jardins",
        vec![prefix.clone(), email("ft-dijon"), email("ddets-21")],
    )
    .await;
    for (n, role) in ["aci", "france-travail", "ddets"].iter().enumerate() {
        check_screenshot(
            Path::new(&format!("{prefix}-{}.png", n + 1)),
            &format!("accueil-{role}.png"),
        );
    }
}

#[tokio::test]
async fn directory_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let screenshot = scratch("annuaire", "png");
    run_browser_script(
        &app,
        "directory.mjs",
        "ft-dijon",
        vec![screenshot.display().to_string()],
    )
    .await;
    check_screenshot(&screenshot, "annuaire.png");
}

/// The total of the simulator's scenario 1 (web/e2e/simulator.mjs: ESAT pay of 700 € net, then 24 h a week
/// at the SMIC from March 2026 instead) in March 2026, from the library, as the page writes it.
fn scenario_one_march_total() -> String {
    let month = |m: &str| m.parse().unwrap();
    let mut earnings = Vec::new();
    let mut m = month("2023-01");
    while m < month("2026-03") {
        earnings.push(EarningInput {
            month: m,
            kind: EarningKind::Esat,
            net: 700.0,
            taxable: None,
            gross: None,
            esat_part: None,
        });
        m = m.offset(1);
    }
    earnings.push(EarningInput {
        month: m,
        kind: EarningKind::Ordinary,
        net: benefits::smic_pay(2400, m).unwrap().net.euros(),
        taxable: None,
        gross: None,
        esat_part: None,
    });
    let case = CaseInput {
        id: None,
        person: PersonInput {
            birth_date: "1985-05-15".into(),
            incapacity_rate: 0.8,
            rsdae: false,
        },
        household: HouseholdInput::default(),
        earnings,
        months: vec![month("2026-03")],
    };
    benefits::simulate(&case).unwrap().results[0].total.to_string()
}

#[tokio::test]
async fn simulator_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (pdf, screenshot) = (scratch("simulateur", "pdf"), scratch("simulateur", "png"));
    run_browser_script(
        &app,
        "simulator.mjs",
        "esat-suzon",
        vec![
            pdf.display().to_string(),
            screenshot.display().to_string(),
            scenario_one_march_total(),
        ],
    )
    .await;
    check_screenshot(&screenshot, "simulateur.png");

    // The print view as a PDF: a real document, with the results and without the form or the site's header.
    let bytes = std::fs::read(&pdf).expect("the PDF was written");
    assert!(
        bytes.starts_with(b"%PDF-") && bytes.len() > 10_000 && bytes.len() < 20_000_000,
        "a PDF of reasonable size ({} bytes)",
        bytes.len()
    );
    // pdftotext (poppler-utils, installed by scripts/setup --test) reads its text when present.
    match Command::new("pdftotext").arg(&pdf).arg("-").output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            for expected in [
                "Simulateur de droits",
                "Résultats de la simulation",
                "Revenu total par mois et par scénario",
                "Scénario 1",
                "Explications mois par mois",
            ] {
                assert!(text.contains(expected), "the PDF says « {expected} »:\n{text}");
            }
            for absent in ["Premier mois", "Se déconnecter", "Imprimer / enregistrer en PDF"] {
                assert!(
                    !text.contains(absent),
                    "the PDF has no « {absent} » (form, header, buttons)"
                );
            }
        }
        _ => eprintln!("pdftotext is not installed: the PDF's text is not checked (apt-get install poppler-utils)"),
    }
    if let Ok(dir) = std::env::var("PASSERELLE_SCREENSHOTS") {
        let _ = std::fs::copy(&pdf, PathBuf::from(dir).join("simulateur.pdf"));
    }
}

/// The agreements journey (web/e2e/agreements.mjs): the ACI signs its CCL, then reads the regional agreement
/// and the comparison of its versions; axe-core on every page.
#[tokio::test]
async fn agreements_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    run_browser_script(&app, "agreements.mjs", "aci-jardins", Vec::new()).await;
}

#[tokio::test]
async fn referral_sheet_from_both_sides_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let screenshot = scratch("fiche-navette", "png");
    run_browser_script(
        &app,
        "referral.mjs",
        "aci-jardins",
        vec![email("ml-dijon"), screenshot.display().to_string()],
    )
    .await;
    check_screenshot(&screenshot, "fiche-navette.png");
}

/// The SPE referent on a phone (web/e2e/referent.mjs): the header menu, the dashboard of the agency that is
/// the ACI's referent with 60 more people in pathway (two pages), the filtered list; axe-core on every page.
#[tokio::test]
async fn referent_dashboard_on_a_phone_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    crate::perf::seed(&app, 60, |i| i as i64 * 11).await;
    crate::agreements::sign_demo_ccl(&app).await;
    let screenshot = scratch("referent", "png");
    run_browser_script(&app, "referent.mjs", "ft-dijon", vec![screenshot.display().to_string()]).await;
    check_screenshot(&screenshot, "referent.png");
}

/// The CTA's secretary (web/e2e/governance.mjs): the committees, the CTA with its frequency, members and
/// action items, its coming meeting (accept the SIAE's agenda item, send the invitation), the month calendar
/// of deadlines; axe-core on every page.
#[tokio::test]
async fn governance_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let screenshot = scratch("reunion", "png");
    run_browser_script(
        &app,
        "governance.mjs",
        "ft-dijon",
        vec![screenshot.display().to_string()],
    )
    .await;
    check_screenshot(&screenshot, "reunion.png");
    // The invitation went to the outbox, one mail per member with an address.
    assert!(app.count("outbox").await >= 6);
}

/// The ESAT's journey (web/e2e/esat.mjs): workers and situations, a convention d'appui refused over one year then
/// renewed, an immersion refused over 48 hours a week then drafted, sent and signed; axe-core on every page.
#[tokio::test]
async fn esat_and_immersions_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let screenshot = scratch("esat", "png");
    run_browser_script(&app, "esat.mjs", "esat-suzon", vec![screenshot.display().to_string()]).await;
    check_screenshot(&screenshot, "esat.png");
}

/// A supported-employment counsellor (web/e2e/supported.mjs): the dashboard with its chart, an activity
/// recorded through the form, the skills record and the personal link opened without an account; axe-core on
/// every page.
#[tokio::test]
async fn supported_employment_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let dea = app.token(&email("dea-21")).await;
    let (_, found) = app.get(&dea, "/api/v1/persons?q=Girard").await;
    let person = crate::id(&found["items"][0]);
    let screenshot = scratch("emploi-accompagne", "png");
    run_browser_script(
        &app,
        "supported.mjs",
        "samir.brahimi",
        vec![person, screenshot.display().to_string()],
    )
    .await;
    check_screenshot(&screenshot, "emploi-accompagne.png");
}

/// The indicators' page (web/e2e/indicators.mjs) for the DDETS (filters by month and organisation, masked
/// small counts, each chart with its table, the CSV export) and for the ACI (the drill-down from its figure
/// to the people counted, the XLSX export); axe-core on every page.
#[tokio::test]
async fn indicators_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    run_browser_script(
        &app,
        "indicators.mjs",
        "ddets-21",
        vec![email("aci-jardins"), crate::today().year().to_string()],
    )
    .await;
}

/// The pages open to all (web/e2e/legal.mjs): the three legal pages from the footer of the sign-in page, then
/// « Mot de passe oublié » with the link the server queued in the outbox; axe-core on every page.
#[tokio::test]
async fn legal_pages_and_password_reset_in_headless_chromium() {
    use passerelle_store::infra::sql::{Executor, query};
    let app = TestApp::spawn(Backend::Sqlite).await;
    let owner = email("dea-21");
    // The script needs its link before it asks for one: a first link is asked here; the script's own request
    // queues a second, which it does not use.
    assert!(
        app.store
            .request_password_reset(&owner, "test", "https://passerelle.test")
            .await
            .unwrap()
    );
    let mut db = app.store.pool().clone();
    let body: String = db
        .fetch_one(query("SELECT body FROM outbox WHERE recipient = $1").bind(owner.as_str()))
        .await
        .unwrap()
        .get("body")
        .unwrap();
    let link = body
        .split_whitespace()
        .find_map(|w| w.strip_prefix("https://passerelle.test"))
        .expect("the mail holds the link")
        .to_owned();
    run_browser_script(
        &app,
        "legal.mjs",
        "dea-21",
        vec![link, "Nouveau-mot-de-passe-2026".to_owned()],
    )
    .await;
}

/// The forms that used to lose what was typed (web/e2e/forms.mjs): a CDDI too short and an exit dated tomorrow
/// come back refused with every value kept, the form's address opened again leads to its page, dates read in
/// French; the tripartite interview scheduled without a place is refused and kept, then scheduled; a meeting ending before it starts is refused and kept, then planned, and cancelled only once the
/// confirmation box is ticked; axe-core on every page.
#[tokio::test]
async fn forms_keep_what_was_typed_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    run_browser_script(&app, "forms.mjs", "aci-jardins", vec![email("ft-dijon")]).await;
}

/// The referrals list and the SIAE picker (web/e2e/lists.mjs) for France Travail with 55 referrals sent: the
/// list filtered, its second page, no match then cleared, a date to fix; the SIAE searched by town and only its
/// offers offered; axe-core on every page.
#[tokio::test]
async fn referral_lists_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    crate::referral_lists::prescribed(&app, 53).await;
    let ctx = app.store.login_context_for(&email("ft-dijon")).await.unwrap();
    let person = app
        .store
        .persons(&ctx)
        .list(Some("Prénom00"), 1, 1)
        .await
        .unwrap()
        .items[0]
        .id;
    run_browser_script(
        &app,
        "lists.mjs",
        "ft-dijon",
        vec![format!("/personnes/{person}/prescrire")],
    )
    .await;
}

/// The ROME job picker (web/e2e/rome.mjs): with the shared snapshot loaded, the ACI creates an offer by picking
/// « Ouvrier maraîcher / Ouvrière maraîchère » (A1414) after typing « maraichere », then filters the offers by
/// job and town; the offer is stored with the picked title and code.
#[tokio::test]
async fn rome_job_picker_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    passerelle_fixtures::rome::load(&app.store).await;
    let town = "Fontaine-lès-Dijon";
    run_browser_script(&app, "rome.mjs", "aci-jardins", vec![town.to_owned()]).await;
    let ctx = app.store.operator_context("test");
    let offers = app.store.offers(&ctx, &Default::default()).await.unwrap();
    let picked = offers
        .iter()
        .find(|o| o.place == town)
        .expect("the offer was published");
    assert_eq!(
        (picked.title.as_str(), picked.rome_code.as_deref()),
        ("Ouvrier maraîcher / Ouvrière maraîchère", Some("A1414"))
    );
}

/// A counsellor saves a benefits simulation to a person's record (web/e2e/saved_simulation.mjs): from the
/// person's page to the simulator, the results saved in the record, then the same simulation in the person's
/// pathway, opened again in the simulator; axe-core on each page. The record holds exactly that simulation.
#[tokio::test]
async fn saved_simulation_in_pathway_in_headless_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let cap = app.token(&email("cap-emploi")).await;
    let (_, found) = app.get(&cap, "/api/v1/persons?q=Arnaud").await;
    let person = &found["items"][0];
    let name = format!(
        "{} {}",
        person["first_name"].as_str().unwrap(),
        person["last_name"].as_str().unwrap()
    );
    let id = crate::id(person);
    run_browser_script(&app, "saved_simulation.mjs", "cap-emploi", vec![id.clone(), name]).await;
    let (_, saved) = app.get(&cap, &format!("/api/v1/persons/{id}/simulations")).await;
    assert_eq!(saved.as_array().map(Vec::len), Some(1), "{saved}");
}
