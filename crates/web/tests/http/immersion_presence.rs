//! Immersions (PMSMP) of a discontinuous presence and of a person on an aided contract, through the API on both
//! databases and the page on SQLite: the listed days lie inside the period (Code du travail D5135-3), and all the
//! immersions during a CUI-CAE or a CDDI take at most 25 % of its days (D5134-50-2; decree 2014-1360). Every
//! refusal is a 422 with its code and field, writes nothing, and the page keeps what was typed.

use crate::{Backend, TestApp, email, id, today};
use reqwest::Method;
use reqwest::StatusCode as S;
use reqwest::header::COOKIE;
use serde_json::{Value, json};
use time::Duration;

fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

/// Every day of the week has hours, so that the days of presence do not depend on the day the test runs.
const EVERY_DAY: [i64; 7] = [240, 240, 240, 240, 240, 240, 240];

/// A person Cap emploi follows, who consented to sharing.
async fn new_person(app: &TestApp, cap: &str) -> Value {
    let person =
        json!({"first_name": "Inès", "last_name": "Morel", "consent_data_sharing": true, "consent_date": day(-30)});
    let (s, person) = app.call(cap, Method::POST, "/api/v1/persons", Some(person)).await;
    assert_eq!(s, S::CREATED, "{person}");
    person
}

async fn refused(app: &TestApp, token: &str, body: Value, code: &str, field: &str) {
    let before = app.snapshot().await;
    let (s, answer) = app.call(token, Method::POST, "/api/v1/immersions", Some(body)).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(
        (answer["error"]["code"].as_str(), answer["error"]["field"].as_str()),
        (Some(code), Some(field)),
        "{answer}"
    );
    assert!(
        answer["error"]["message"].as_str().unwrap().contains("Code du travail"),
        "{answer}"
    );
    assert_eq!(app.snapshot().await, before, "a refused immersion wrote something");
}

async fn attendance_and_aided_contract(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cap = app.token(&email("cap-emploi")).await;
    let cap_id = app.org_id("cap-emploi").await;
    let person = new_person(&app, &cap).await;
    // A CDDI of 121 days: the immersions during it take at most 30 days of presence.
    let cddi = json!({"kind": "cddi", "starts_on": day(-30), "ends_on": day(90)});
    let convention = |host: &str, from: i64, to: i64| {
        json!({"person_id": id(&person), "prescriber_id": cap_id, "support_structure_id": cap_id,
            "host_name": "Atelier Vert", "host_siret": host, "tutor_name": "Paul Girard",
            "objective": "discover_trade", "starts_on": day(from), "ends_on": day(to), "schedule": EVERY_DAY,
            "aided_contract": cddi})
    };
    let (host, other_host) = ("73282932000074", "55203253400646");

    let mut outside = convention(host, 1, 20);
    outside["attendance_dates"] = json!([day(2), day(21)]);
    refused(
        &app,
        &cap,
        outside,
        "immersion_attendance_day_outside",
        "attendance_dates",
    )
    .await;
    refused(
        &app,
        &cap,
        convention(host, 80, 95),
        "immersion_outside_aided_contract",
        "ends_on",
    )
    .await;
    let mut unknown = convention(host, 1, 20);
    unknown["aided_contract"]["kind"] = json!("cie");
    let (s, answer) = app.call(&cap, Method::POST, "/api/v1/immersions", Some(unknown)).await;
    assert_eq!(
        (s, answer["error"]["code"].as_str()),
        (S::UNPROCESSABLE_ENTITY, Some("aided_contract_kind_unknown"))
    );

    // 20 days, then 11 more would make 31 of the 30 allowed; three listed days make 23.
    let (s, first) = app
        .call(&cap, Method::POST, "/api/v1/immersions", Some(convention(host, 1, 20)))
        .await;
    assert_eq!(s, S::CREATED, "{first}");
    assert_eq!(
        (
            first["attendance_days"].as_i64(),
            first["aided_contract"]["kind"].as_str()
        ),
        (Some(20), Some("cddi"))
    );
    refused(
        &app,
        &cap,
        convention(other_host, 21, 31),
        "immersion_aided_contract_share_exceeded",
        "ends_on",
    )
    .await;
    let mut discontinuous = convention(other_host, 21, 31);
    discontinuous["attendance_dates"] = json!([day(26), day(22), day(24)]);
    let (s, second) = app
        .call(&cap, Method::POST, "/api/v1/immersions", Some(discontinuous))
        .await;
    assert_eq!(s, S::CREATED, "{second}");
    assert_eq!(second["attendance_days"], 3);
    assert_eq!(second["attendance_dates"], json!([day(22), day(24), day(26)]));
    assert!(
        second["explanation"]
            .as_str()
            .unwrap()
            .contains("23 jours de présence sur les 30 permis pendant le contrat aidé"),
        "{second}"
    );
    // Read back, the days and the contract are kept.
    let (_, again) = app.get(&cap, &format!("/api/v1/immersions/{}", id(&second))).await;
    assert_eq!(
        (again["attendance_dates"].clone(), again["aided_contract"].clone()),
        (second["attendance_dates"].clone(), second["aided_contract"].clone())
    );
}

#[tokio::test]
async fn attendance_and_aided_contract_on_sqlite() {
    attendance_and_aided_contract(Backend::Sqlite).await;
}

#[tokio::test]
async fn attendance_and_aided_contract_on_postgres() {
    attendance_and_aided_contract(Backend::Postgres).await;
}

/// The draft form: a listed day outside the period comes back with 422, the sentence next to the field and every
/// value kept; fixed, the convention is saved and its page lists the days and the aided contract.
#[tokio::test]
async fn immersion_form_keeps_listed_days_and_contract() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let cap = app.token(&email("cap-emploi")).await;
    let cap_id = app.org_id("cap-emploi").await.to_string();
    let person = new_person(&app, &cap).await;
    let cookie = format!("passerelle_session={}", crate::pages::login(&app, "cap-emploi").await);
    let list = app
        .http
        .get(app.url("/immersions"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let token = crate::pages::csrf(&list.text().await.unwrap());
    let french = |offset: i64| {
        let d = today() + Duration::days(offset);
        format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
    };
    let mut form = vec![
        ("csrf", token),
        ("person_id", id(&person)),
        ("prescriber_id", cap_id.clone()),
        ("support_structure_id", cap_id),
        ("host_name", "Atelier Vert".into()),
        ("host_siret", "73282932000074".into()),
        ("tutor_name", "Paul Girard".into()),
        ("objective", "discover_trade".into()),
        ("starts_on", day(1)),
        ("ends_on", day(20)),
        ("aided_contract_kind", "cui_cae".into()),
        ("aided_contract_starts_on", day(-30)),
        ("aided_contract_ends_on", day(90)),
        ("attendance_dates", format!("{}, {}", french(2), french(25))),
    ];
    form.extend((0..7).map(|d| (["h0", "h1", "h2", "h3", "h4", "h5", "h6"][d], "4".to_owned())));
    let before = app.snapshot().await;
    let post = |form: Vec<(&'static str, String)>| {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            let r = app
                .http
                .post(app.url("/immersions"))
                .header(COOKIE, cookie)
                .form(&form)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (s, html) = post(form.clone()).await;
    assert_eq!(s, S::UNPROCESSABLE_ENTITY);
    assert!(html.contains("est hors de la période de l&#39;immersion"), "{html}");
    assert!(
        html.contains(&format!("{}, {}", french(2), french(25))),
        "the listed days are kept"
    );
    assert!(
        html.contains(&format!("value=\"{}\"", day(90))) && html.contains("value=\"cui_cae\" selected"),
        "the contract is kept"
    );
    assert_eq!(app.snapshot().await, before);

    form.retain(|(name, _)| *name != "attendance_dates");
    form.push(("attendance_dates", format!("{} {}", french(2), french(5))));
    let r = app
        .http
        .post(app.url("/immersions"))
        .header(COOKIE, &cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::SEE_OTHER);
    let location = r.headers()[reqwest::header::LOCATION].to_str().unwrap().to_owned();
    let html = app
        .http
        .get(app.url(&location))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!(
            "Jours de présence</dt><dd>{}",
            passerelle_domain::french::date(today() + Duration::days(2))
        )),
        "{html}"
    );
    assert!(
        html.contains("Contrat unique d&#39;insertion – contrat d&#39;accompagnement dans l&#39;emploi (CUI-CAE), du"),
        "{html}"
    );
}
