//! The simulator page (`/simulateur`) through a plain HTTP client: the library's figures for a known case,
//! errors in French next to their fields with the input kept, and the answer's headers.

use crate::pages::login;
use crate::{Backend, TestApp};
use passerelle_domain::benefits::{
    self, CaseInput, Cents, EarningInput, EarningKind, HouseholdInput, Month, MonthResult, PersonInput, smic_pay,
};
use reqwest::StatusCode as S;
use reqwest::header::{CACHE_CONTROL, COOKIE, LOCATION, SET_COOKIE};

/// An ESAT worker paid 700 € net a month; scenario 1: a job of 24 h a week at the SMIC from March 2026
/// instead; scenario 2: a job paid 600 € net beside the ESAT from March 2026.
const QUERY: &str = "birth_date=1985-05-15&incapacity=80&children=0&housing=tenant&housing_benefit=0\
    &current_kind=esat&current_pay=700&first_month=2026-01&horizon=12\
    &s1_kind=ordinary&s1_hours=24&s1_pay=&s1_start=2026-03\
    &s2_kind=double&s2_hours=&s2_pay=600&s2_start=2026-03&s3_kind=&s3_hours=&s3_pay=&s3_start=";

fn month(text: &str) -> Month {
    text.parse().unwrap()
}

/// The case written out by hand, as the page states its assumptions: the ESAT pay since January 2023 (year
/// N-2 of the quarter before January 2026), the change from March 2026.
fn library(scenario: u8) -> Vec<MonthResult> {
    let (start, end) = (month("2023-01"), month("2026-12"));
    let mut earnings = Vec::new();
    let mut m = start;
    while m <= end {
        let changed = m >= month("2026-03");
        let esat = !changed || scenario != 1;
        if esat {
            earnings.push(EarningInput {
                month: m,
                kind: EarningKind::Esat,
                net: 700.0,
                taxable: None,
                gross: None,
                esat_part: None,
            });
        }
        let ordinary = match scenario {
            1 if changed => Some(smic_pay(2400, m).unwrap().net.euros()),
            2 if changed => Some(600.0),
            _ => None,
        };
        if let Some(net) = ordinary {
            earnings.push(EarningInput {
                month: m,
                kind: EarningKind::Ordinary,
                net,
                taxable: None,
                gross: None,
                esat_part: None,
            });
        }
        m = m.offset(1);
    }
    let case = CaseInput {
        id: None,
        person: PersonInput {
            birth_date: "1985-05-15".into(),
            incapacity_rate: 0.8,
            rsdae: false,
        },
        household: HouseholdInput::default(),
        earnings,
        months: (0..12).map(|i| month("2026-01").offset(i)).collect(),
    };
    benefits::simulate(&case).unwrap().results
}

fn unescape(text: &str) -> String {
    text.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text of a tag's content, tags removed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(out.split_whitespace().collect::<Vec<_>>().join(" ").as_str())
}

/// The body rows of the table with this id: the text of each cell.
fn rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let body = &table[table.find("<tbody>").unwrap()..];
    body.split("</tr>")
        .filter(|row| row.contains("<td"))
        .map(|row| {
            row.split("</t")
                .filter_map(|cell| cell.rfind("<t").map(|i| text(&format!("<{}", &cell[i + 1..]))))
                .collect()
        })
        .collect()
}

/// An amount as `rows` reads it (the narrow no-break space of thousands read as a space).
fn money(c: Cents) -> String {
    text(&c.to_string())
}

#[tokio::test]
async fn simulator_shows_the_library_figures() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // For signed-in users only.
    let r = app.http.get(app.url("/simulateur")).send().await.unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    assert!(r.headers()[LOCATION].to_str().unwrap().starts_with("/connexion?suite="));

    let session = login(&app, "esat-suzon").await;
    let get = |path: String| {
        app.http
            .get(app.url(&path))
            .header(COOKIE, format!("passerelle_session={session}"))
            .send()
    };
    // The empty form: the navigation entry, sensible defaults, no results.
    let r = get("/simulateur".into()).await.unwrap();
    assert_eq!(r.status(), S::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"<a class="fr-nav__link" href="/simulateur" aria-current="page">Simulateur de droits</a>"#)
    );
    assert!(html.contains(r#"<form method="get" action="/simulateur#resultats""#));
    assert!(html.contains(r#"name="incapacity" value="80""#) && html.contains(r#"name="horizon" value="12""#));
    assert!(!html.contains(r#"id="resultats""#));

    let r = get(format!("/simulateur?{QUERY}")).await.unwrap();
    assert_eq!(r.status(), S::OK);
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    let html = r.text().await.unwrap();

    // Each series' table: the library's amounts, month by month, and the difference with no change.
    let expected: Vec<Vec<MonthResult>> = (0..=2).map(library).collect();
    for (key, series) in [("actuel", 0), ("s1", 1), ("s2", 2)] {
        let shown = rows(&html, &format!("tableau-{key}"));
        let want: Vec<Vec<String>> = expected[series]
            .iter()
            .zip(&expected[0])
            .map(|(r, base)| {
                let mut cells = vec![
                    money(r.earnings),
                    money(r.aah),
                    money(r.mva),
                    money(r.prime_activite),
                    money(r.total),
                ];
                if series > 0 {
                    let d = r.total - base.total;
                    cells.push(match d.0 {
                        0 => money(d),
                        n if n > 0 => text(&format!("+{d}")),
                        n => text(&format!("−{}", Cents(-n))),
                    });
                }
                cells
            })
            .collect();
        let shown_amounts: Vec<Vec<String>> = shown.iter().map(|r| r[1..].to_vec()).collect();
        assert_eq!(shown_amounts, want, "table {key}");
        assert_eq!(shown[0][0], "janvier 2026");
        assert_eq!(shown[11][0], "décembre 2026");
    }
    // A known figure, to read: 24 h a week at 12,02 € (SMIC of 2026) is 989,56 € net from March.
    assert_eq!(rows(&html, "tableau-s1")[2][1], "989,56 €");
    // The comparison table, the chart's text alternative: the totals of the three series.
    let comparison = rows(&html, "tableau-comparaison");
    assert_eq!(comparison.len(), 12);
    for (i, row) in comparison.iter().enumerate() {
        let want: Vec<String> = (0..=2).map(|s| money(expected[s][i].total)).collect();
        assert_eq!(row[1..], want[..], "comparison, month {i}");
    }
    // The chart: an accessible image, one line per series.
    assert!(html.contains(r#"role="img" aria-labelledby="graphique-titre graphique-description""#));
    assert!(html.contains(
        r#"<title id="graphique-titre">Revenu total par mois, de janvier 2026 à décembre 2026, par scénario</title>"#
    ));
    assert_eq!(html.matches("<polyline class=\"passerelle-chart__line").count(), 3);
    // The explanations are the library's, in French.
    let page_text = unescape(&html);
    for reason in expected[1][3]
        .explain
        .aah
        .reasons
        .iter()
        .chain(&expected[1][3].explain.prime_activite.reasons)
    {
        assert!(page_text.contains(reason.as_str()), "explanation missing: {reason}");
    }
    assert!(page_text.contains("Salaire estimé : 24 h par semaine au SMIC horaire brut de 12,02 €"));
    // No inline style or script: the CSP allows neither.
    assert!(!html.contains("style=") && !html.contains("<script>"));
    assert!(html.contains(r#"<script type="module" src="/static/print.js"></script>"#));
}

#[tokio::test]
async fn simulator_errors_keep_the_input() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let session = login(&app, "aci-jardins").await;
    let get = |query: String| {
        app.http
            .get(app.url(&format!("/simulateur?{query}")))
            .header(COOKIE, format!("passerelle_session={session}"))
            .send()
    };
    // (what the form says, the field in error, its message, as the page writes it)
    let table = [
        ("incapacity=120", "incapacity", "pourcentage entre 0 et 100"),
        ("birth_date=", "birth_date", "Indiquez la date de naissance"),
        // Errors found by the domain are placed on their field too.
        (
            "birth_date=1985-02-30",
            "birth_date",
            "La date de naissance « 1985-02-30 » doit s&#39;écrire JJ/MM/AAAA.",
        ),
        (
            "first_month=2018-01",
            "first_month",
            "Les règles ne sont connues qu&#39;à partir du",
        ),
        (
            "s1_hours=50",
            "s1_hours",
            "La durée de travail de 50 h par semaine doit être comprise entre 0 et 48 h.",
        ),
        ("s1_pay=900", "s1_hours", "pas les deux"),
        (
            "s1_kind=esat&s1_hours=20&s1_pay=",
            "s1_pay",
            "rémunération garantie nette mensuelle",
        ),
        (
            "current_pay=",
            "current_pay",
            "Indiquez la rémunération nette mensuelle actuelle.",
        ),
        (
            "current_kind=none&s1_kind=double",
            "s1_kind",
            "La double activité suppose une activité actuelle",
        ),
        ("horizon=40", "horizon", "entre 1 et 36"),
        ("ascendants=deux", "ascendants", "nombre d&#39;ascendants à charge"),
        (
            "partner_earnings=800",
            "partner_earnings",
            "ne comptent que pour une personne en couple",
        ),
        (
            "s1_end=2026-02",
            "s1_end",
            "ne peut pas précéder le mois où il commence",
        ),
        ("s1_end=bientôt", "s1_end", "doit s&#39;écrire AAAA-MM"),
        ("housing_benefit=beaucoup", "housing_benefit", "un montant en euros"),
    ];
    let base = [
        ("birth_date", "1985-05-15"),
        ("incapacity", "80"),
        ("current_kind", "esat"),
        ("current_pay", "700,50"),
        ("first_month", "2026-01"),
        ("s1_kind", "ordinary"),
        ("s1_hours", "24"),
        ("s1_start", "2026-03"),
    ];
    for (change, field, message) in table {
        // The base form, with the change applied over it.
        let mut pairs: Vec<(String, String)> = base.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        for pair in change.split('&') {
            let (k, v) = pair.split_once('=').unwrap();
            pairs.retain(|(key, _)| key != k);
            pairs.push((k.into(), v.into()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap();
        let r = get(query).await.unwrap();
        assert_eq!(r.status(), S::UNPROCESSABLE_ENTITY, "{change}");
        let html = r.text().await.unwrap();
        // Next to its field, linked to it, and in the summary that links to the field.
        let error = format!(r#"<p id="{field}-erreur" class="fr-error-text">"#);
        let at = html
            .find(&error)
            .unwrap_or_else(|| panic!("{change}: no error on {field}"));
        assert!(
            html[at..].split("</p>").next().unwrap().contains(message),
            "{change}: {}",
            &html[at..at + 300]
        );
        assert!(
            html.contains(&format!(r#"aria-invalid="true" aria-describedby="{field}-erreur""#)),
            "{change}"
        );
        assert!(html.contains(&format!(r##"<li><a href="#{field}">"##)), "{change}");
        assert!(
            !html.contains(r#"id="resultats""#),
            "{change}: no results with an error"
        );
        // Every value typed is kept.
        for (k, v) in &pairs {
            if !v.is_empty() && !k.ends_with("kind") {
                assert!(
                    html.contains(&format!(r#"name="{k}" value="{v}""#)),
                    "{change}: {k}={v} lost"
                );
            }
        }
        assert!(html.contains(r#"<option value="esat" selected>"#) || change.contains("current_kind=none"));
    }
}

/// The public page (`/simulateur-public`): the same simulator without an account, reached from the sign-in page,
/// saying that nothing is kept, and keeping nothing: no cookie, nothing written, not cached.
#[tokio::test]
async fn public_simulator_needs_no_account_and_keeps_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let before = app.snapshot().await;
    let sign_in = app
        .http
        .get(app.url("/connexion"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(sign_in.contains(r#"href="/simulateur-public">Simuler ses droits sans compte</a>"#));

    let r = app.http.get(app.url("/simulateur-public")).send().await.unwrap();
    assert_eq!(r.status(), S::OK);
    assert!(r.headers().get(SET_COOKIE).is_none(), "no cookie");
    let html = r.text().await.unwrap();
    assert!(unescape(&html).contains("Sans compte, rien n'est conservé"));
    assert!(html.contains(r#"<form method="get" action="/simulateur-public#resultats""#));
    assert!(!html.contains("fr-nav__link"), "no navigation of the signed-in pages");

    // The same figures as the signed-in page.
    let r = app
        .http
        .get(app.url(&format!("/simulateur-public?{QUERY}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    assert!(r.headers().get(SET_COOKIE).is_none(), "no cookie");
    let html = r.text().await.unwrap();
    let shown: Vec<Vec<String>> = rows(&html, "tableau-s1").iter().map(|r| r[1..6].to_vec()).collect();
    let want: Vec<Vec<String>> = library(1)
        .iter()
        .map(|r| {
            vec![
                money(r.earnings),
                money(r.aah),
                money(r.mva),
                money(r.prime_activite),
                money(r.total),
            ]
        })
        .collect();
    assert_eq!(shown, want);
    // An error: answered on its field, still without an account.
    let r = app
        .http
        .get(app.url("/simulateur-public?incapacity=120"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::UNPROCESSABLE_ENTITY);
    assert_eq!(app.snapshot().await, before, "nothing written");
}

/// On the page: a job of 24 h a week at 60 % of incapacity warns about the RSDAE; a job that ends shows
/// the months after it, where the AAH comes back; the partner's earnings and the ascendants are assumptions.
#[tokio::test]
async fn simulator_warns_about_the_rsdae_and_shows_the_end_of_a_job() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let query = "birth_date=1985-05-15&incapacity=60&rsdae=on&couple=on&partner_earnings=900&children=0\
        &ascendants=1&housing=tenant&housing_benefit=0&current_kind=none&current_pay=&first_month=2026-01\
        &horizon=18&s1_kind=ordinary&s1_hours=24&s1_pay=&s1_start=2026-02&s1_end=2026-09\
        &s2_kind=ordinary&s2_hours=15&s2_pay=&s2_start=2026-02&s2_end=";
    let r = app
        .http
        .get(app.url(&format!("/simulateur-public?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    let html = unescape(&r.text().await.unwrap());
    // The RSDAE: scenario 1 (24 h) warned, scenario 2 (15 h) not.
    assert!(html.contains("Scénario 1 : la RSDAE, et donc l'AAH, peuvent être perdues"));
    assert!(!html.contains("Scénario 2 : la RSDAE"));
    assert!(html.contains("article D821-1-2 du code de la sécurité sociale"));
    // The end of the job: the months after September 2026 are marked, and the AAH is back by then.
    let s1 = rows(&html, "tableau-s1");
    assert_eq!(s1.len(), 18);
    assert!(
        !s1[8][0].contains("après l'emploi") && s1[9][0].contains("après l'emploi"),
        "{:?}",
        s1[9]
    );
    assert_eq!(s1[9][1], "0,00 €", "no earnings after the job");
    // New job from February 2026: the AAH stays whole six months (D821-9), as without the job, then is lower.
    let (aah, without) = (|row: &Vec<String>| row[2].clone(), rows(&html, "tableau-actuel"));
    for month in 1..=6 {
        assert_eq!(aah(&s1[month]), aah(&without[month]), "month {month}");
    }
    assert_ne!(aah(&s1[7]), aah(&without[7]));
    assert!(
        html.contains("Après la fin de l'emploi, à partir d'octobre 2026") || html.contains("à partir de octobre 2026")
    );
    assert!(html.contains("jusqu'en septembre 2026 inclus"));
    // The assumptions.
    assert!(html.contains("<dt>Revenus du conjoint</dt><dd>900,00 € nets par mois</dd>"));
    assert!(html.contains("<dt>Ascendants à charge</dt><dd>1</dd>"));
}
