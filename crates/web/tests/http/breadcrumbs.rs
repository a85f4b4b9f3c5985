//! The breadcrumb trail of every page under a list: « Accueil », the list, the records above the page named
//! in French (never an identifier), the page itself marked current; every step of the trail opens. The trail
//! is one component (`kit::crumbs` and `breadcrumb.html`), so one visit of each page checks all of it.

use crate::pages::{login, page};
use crate::{Backend, TestApp};
use reqwest::StatusCode as S;

/// One step of a trail as the page shows it: its label and its address (none for the page itself).
#[derive(Debug)]
struct Step {
    label: String,
    href: Option<String>,
}

fn decode(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
}

/// The trail of a page, checked against the DSFR's markup: one `fr-breadcrumb` with its button and label.
fn trail(html: &str) -> Vec<Step> {
    assert_eq!(html.matches("class=\"fr-breadcrumb\"").count(), 1, "one trail: {html}");
    let start = html.find("class=\"fr-breadcrumb\"").unwrap();
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    assert!(nav.contains("aria-label=\"vous êtes ici :\""), "{nav}");
    assert!(decode(nav).contains("Voir le fil d'Ariane</button>"), "{nav}");
    let steps: Vec<Step> = nav
        .split("<a class=\"fr-breadcrumb__link\"")
        .skip(1)
        .map(|a| {
            let (attrs, rest) = a.split_once('>').unwrap();
            let href = attrs
                .split_once("href=\"")
                .map(|(_, h)| decode(h.split('"').next().unwrap()));
            let label = decode(rest.split("</a>").next().unwrap());
            Step { label, href }
        })
        .collect();
    let last = nav.rfind("<a class=\"fr-breadcrumb__link\"").unwrap();
    assert!(
        nav[last..].starts_with("<a class=\"fr-breadcrumb__link\" aria-current=\"page\">"),
        "the last step is the page itself: {nav}"
    );
    assert!(steps.iter().rev().skip(1).all(|s| s.href.is_some()), "{steps:?}");
    steps
}

/// The first address on `html` of the form `prefix` followed by an identifier.
fn first_record(html: &str, prefix: &str) -> String {
    html.match_indices(&format!("href=\"{prefix}"))
        .map(|(i, m)| &html[i + 6..i + m.len() + 36])
        .find(|h| uuid::Uuid::parse_str(&h[prefix.len()..]).is_ok())
        .unwrap_or_else(|| panic!("a link {prefix}… on the list: {html}"))
        .to_owned()
}

/// Visits `path`, checks its trail starts with `expected` and has `depth` steps, that no label is an
/// identifier, and that every step opens; returns the trail's labels.
async fn visit(app: &TestApp, session: &str, path: &str, expected: &[&str], depth: usize) -> Vec<String> {
    let (s, html) = page(app, session, path).await;
    assert_eq!(s, S::OK, "{path}: {html}");
    let steps = trail(&html);
    let labels: Vec<String> = steps.iter().map(|s| s.label.clone()).collect();
    assert_eq!(labels.len(), depth, "{path}: {labels:?}");
    assert_eq!(&labels[..expected.len()], expected, "{path}");
    for step in &steps {
        assert!(!step.label.trim().is_empty(), "{path}: {labels:?}");
        assert!(
            !step
                .label
                .split(|c: char| c.is_whitespace())
                .any(|w| uuid::Uuid::parse_str(w).is_ok()),
            "{path}: a label names the record, not its identifier: {labels:?}"
        );
        if let Some(href) = &step.href {
            let (s, _) = page(app, session, href).await;
            assert_eq!(s, S::OK, "{path}: the step « {} » ({href}) opens", step.label);
        }
    }
    labels
}

async fn breadcrumbs(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = login(&app, "ft-dijon").await;
    let home = "Accueil";

    // A person's page and its sub-pages: the person's name above each.
    let persons = page(&app, &ft, "/personnes").await.1;
    let person = first_record(&persons, "/personnes/");
    let list = [home, "Personnes accompagnées"];
    let sheet = visit(&app, &ft, &person, &list, 3).await;
    let name = sheet[2].as_str();
    assert!(page(&app, &ft, &person).await.1.contains(&format!("<h1>{name}</h1>")));
    for (sub, here) in [
        ("/modifier", "Modifier la fiche"),
        ("/parcours-iae", "Parcours IAE"),
        ("/emploi-accompagne", "Emploi accompagné"),
        ("/carnet", "Carnet de parcours et de compétences"),
        ("/parcours-complet", "Parcours complet"),
        ("/prescrire", "Prescrire"),
    ] {
        visit(&app, &ft, &format!("{person}{sub}"), &[home, list[1], name, here], 4).await;
    }
    visit(
        &app,
        &ft,
        "/personnes/nouvelle",
        &[home, list[1], "Nouvelle personne"],
        3,
    )
    .await;

    // A referral sheet, under the candidacies.
    let prescriptions = page(&app, &ft, "/prescriptions").await.1;
    let sheet = first_record(&prescriptions, "/prescriptions/");
    visit(&app, &ft, &sheet, &[home, "Candidatures et prescriptions"], 3).await;

    // A convention and its pages: its title above them.
    let agreements = page(&app, &ft, "/conventions").await.1;
    let agreement = first_record(&agreements, "/conventions/");
    let title = visit(&app, &ft, &agreement, &[home, "Conventions"], 3).await[2].clone();
    visit(
        &app,
        &ft,
        &format!("{agreement}/comparaison"),
        &[home, "Conventions", &title, "Comparaison des versions"],
        4,
    )
    .await;
    visit(
        &app,
        &ft,
        "/conventions/nouvelle",
        &[home, "Conventions", "Nouvelle convention"],
        3,
    )
    .await;

    // A committee, then one of its meetings: Accueil > Instances > the committee > the meeting.
    let committees = page(&app, &ft, "/instances").await.1;
    let committee = first_record(&committees, "/instances/");
    let committee_page = page(&app, &ft, &committee).await.1;
    let committee_name = visit(&app, &ft, &committee, &[home, "Instances"], 3).await[2].clone();
    let meeting = first_record(&committee_page, "/reunions/");
    let labels = visit(&app, &ft, &meeting, &[home, "Instances", &committee_name], 4).await;
    assert!(labels[3].starts_with("Réunion du "), "{labels:?}");

    // An organisation of the directory.
    let directory = page(&app, &ft, "/annuaire").await.1;
    let organisation = first_record(&directory, "/annuaire/");
    visit(&app, &ft, &organisation, &[home, "Annuaire"], 3).await;

    // An ESAT worker and the immersion the ESAT supports.
    let esat = login(&app, "esat-suzon").await;
    let workers = page(&app, &esat, "/esat").await.1;
    let worker = first_record(&workers, "/esat/");
    visit(&app, &esat, &worker, &[home, "Travailleurs d'ESAT"], 3).await;
    let immersions = page(&app, &esat, "/immersions").await.1;
    let immersion = first_record(&immersions, "/immersions/");
    let labels = visit(&app, &esat, &immersion, &[home, "Immersions"], 3).await;
    assert!(labels[2].contains(" chez "), "{labels:?}");

    // The people behind a figure of the indicators.
    let aci = login(&app, "aci-jardins").await;
    let indicators = page(&app, &aci, "/indicateurs").await.1;
    let people = indicators
        .split("href=\"")
        .skip(1)
        .map(|h| decode(h.split('"').next().unwrap()))
        .find(|h| h.starts_with("/indicateurs/") && h.contains("/personnes?"))
        .expect("a figure of the ACI opens its people");
    visit(&app, &aci, &people, &[home, "Indicateurs"], 3).await;

    // Pages that are lists themselves, or the home page, have no trail.
    for list in ["/", "/personnes", "/instances", "/annuaire"] {
        let (s, html) = page(&app, &ft, list).await;
        assert!(s == S::OK && !html.contains("fr-breadcrumb"), "{list}");
    }
}

#[tokio::test]
async fn breadcrumbs_on_sqlite() {
    breadcrumbs(Backend::Sqlite).await;
}

/// One page on PostgreSQL: the trail of a meeting, the deepest one.
#[tokio::test]
async fn breadcrumbs_on_postgres() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let ft = login(&app, "ft-dijon").await;
    let committees = page(&app, &ft, "/instances").await.1;
    let committee = first_record(&committees, "/instances/");
    let committee_page = page(&app, &ft, &committee).await.1;
    let name = visit(&app, &ft, &committee, &["Accueil", "Instances"], 3).await[2].clone();
    let meeting = first_record(&committee_page, "/reunions/");
    visit(&app, &ft, &meeting, &["Accueil", "Instances", &name], 4).await;
}
