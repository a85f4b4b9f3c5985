//! A synthetic France for scale tests (`passerelle synth --people N`, issue 8 item 7): every department
//! with its France Travail agencies, Cap emploi, missions locales and DDETS, about 4,000 SIAE of the five
//! kinds, 1,500 ESAT, one supported-employment scheme per department, signed local conventions, job offers,
//! and N people with their whole IAE pathway (diagnosis, prescription, referral steps, hiring, suspensions
//! and prolongations, accompaniment, SPE registration, tripartite interview, exit and 6-month follow-up)
//! spread over one year; in each department a CTA meeting every quarter, its minutes sent to the CDIAE, and a
//! few mutual-knowledge actions; about one person in thirty more followed by the supported-employment scheme of
//! their department (entry, convention, activities of the four modules, a job for most, an exit for some; counsellors with their working time, about one full time for 16 people, seed 003). Written in bulk (multi-row INSERTs, one transaction per chunk of people) through
//! the same tables as the application, so that the indicator facts are kept by the same triggers.
//! Deterministic for a seed. No journal events nor accounts are written: these people belong to no one.

mod bulk;

use crate::Store;
use crate::infra::error::Result;
use crate::infra::sql::{Executor, Tx, query};
use bulk::Batch;
use passerelle_domain::directory::department::DEPARTMENTS;
use passerelle_domain::pathways::iae::agrement::{Decision, RequestKind};
use passerelle_domain::pathways::iae::pathway::PathwayEvent;
use passerelle_domain::pathways::iae::prolongation::ProlongationReason;
use passerelle_domain::pathways::iae::suspension::SuspensionReason;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Date, Duration, Month, OffsetDateTime};
use uuid::Uuid;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub people: u64,
    /// The year over which the prescriptions are spread.
    pub year: i32,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Summary {
    pub organisations: u64,
    pub siae: u64,
    pub esat: u64,
    pub agreements: u64,
    pub people: u64,
    /// Rows written in the tables of the pathways.
    pub rows: u64,
}

/// People per transaction.
const CHUNK: u64 = 2_000;
const SIAE_TOTAL: f64 = 4_000.0;
const ESAT_TOTAL: f64 = 1_500.0;
/// SIAE kinds and their shares (ACI are the most numerous, EITI the fewest).
const SIAE_KINDS: &[(&str, f64)] = &[
    ("aci", 0.45),
    ("ei", 0.25),
    ("ai", 0.15),
    ("etti", 0.10),
    ("eiti", 0.05),
];
/// The most populated departments weigh more (people, structures).
const LARGE: &[&str] = &[
    "75", "13", "59", "69", "92", "93", "94", "33", "31", "44", "62", "76", "67", "06", "34", "78", "91", "95", "77",
    "38",
];
const FIRST_NAMES: &[&str] = &[
    "Camille",
    "Dominique",
    "Karim",
    "Fatou",
    "Léa",
    "Mathis",
    "Nadia",
    "Yanis",
    "Sophie",
    "Thomas",
    "Inès",
    "Julien",
];
const LAST_NAMES: &[&str] = &[
    "Martin", "Bernard", "Diallo", "Petit", "Durand", "Leroy", "Moreau", "Nguyen", "Garcia", "Haddad", "Roux",
    "Fournier",
];
const REFUSALS: &[&str] = &[
    "no_position",
    "prerequisites_missing",
    "incompatible",
    "candidate_absent",
    "candidate_not_interested",
    "hired_elsewhere",
];
const OUTCOMES: &[(&str, f64)] = &[
    ("cdi", 0.12),
    ("cdd_6_months_or_more", 0.14),
    ("cdd_under_6_months", 0.12),
    ("training", 0.12),
    ("other_siae", 0.08),
    ("no_solution", 0.34),
    ("other", 0.08),
];
const ACTIONS: &[(&str, f64)] = &[
    ("social", 0.30),
    ("professional", 0.25),
    ("training", 0.20),
    ("immersion", 0.10),
    ("spe_service", 0.10),
    ("poec", 0.02),
    ("poei", 0.01),
    ("afpr", 0.02),
];

struct Department {
    code: &'static str,
    weight: f64,
    siae: Vec<(Uuid, &'static str)>,
    prescribers: Vec<Uuid>,
    /// The supported-employment scheme, its counsellors and how many employers its people meet.
    scheme: Uuid,
    counsellors: Vec<Uuid>,
    employers: u64,
}

/// The share of people who are followed in supported employment, beside the IAE pathways (seed 003: about
/// 10,000 people nationally aimed at, for about 300,000 IAE pathways a year).
const SUPPORTED_SHARE: f64 = 1.0 / 30.0;

/// Generates the synthetic territory and `people` pathways; `progress` is told how many people are written.
pub async fn generate(store: &Store, opts: Options, mut progress: impl FnMut(u64)) -> Result<Summary> {
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut summary = Summary::default();
    let start = Date::from_calendar_date(opts.year, Month::January, 1).map_err(invalid_year)?;
    let mut tx = store.begin().await?;
    let user = Uuid::new_v4();
    tx.execute(
        query("INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(user)
            .bind(format!("synth-{}@passerelle.test", user.simple()))
            .bind("Signataire synthétique")
            .bind("$argon2id$synthetique-sans-connexion")
            .bind(at(start - Duration::days(800), 9)),
    )
    .await?;
    let mut departments = organisations(&mut tx, &mut rng, start, &mut summary).await?;
    counsellors(&mut tx, &mut rng, &mut departments, opts.people, start).await?;
    agreements(&mut tx, &mut rng, &departments, user, start, &mut summary).await?;
    governance(&mut tx, &mut rng, &departments, start).await?;
    tx.commit().await?;

    let total_weight: f64 = departments.iter().map(|d| d.weight).sum();
    let mut done = 0;
    while done < opts.people {
        let n = CHUNK.min(opts.people - done);
        let mut tx = store.begin().await?;
        let mut p = Pathways::new();
        for _ in 0..n {
            let d = pick_department(&mut rng, &departments, total_weight);
            p.person(&mut rng, d, start);
        }
        summary.rows += p.flush(&mut tx).await?;
        tx.commit().await?;
        done += n;
        summary.people = done;
        progress(done);
    }
    let mut pool = store.pool.clone();
    pool.execute(query("ANALYZE")).await?;
    Ok(summary)
}

fn invalid_year(_: time::error::ComponentRange) -> crate::StoreError {
    passerelle_domain::invalid::Invalid::new("year_invalid", "année invalide").into()
}

/// A timestamp on `day` at `hour` UTC.
fn at(day: Date, hour: u8) -> OffsetDateTime {
    day.with_hms(hour, 0, 0)
        .map_or(OffsetDateTime::UNIX_EPOCH, |t| t.assume_utc())
}

fn weighted<'a>(rng: &mut StdRng, table: &'a [(&'a str, f64)]) -> &'a str {
    let mut x: f64 = rng.random();
    for (v, w) in table {
        if x < *w {
            return v;
        }
        x -= w;
    }
    table[table.len() - 1].0
}

fn pick_department<'a>(rng: &mut StdRng, departments: &'a [Department], total: f64) -> &'a Department {
    let mut x = rng.random::<f64>() * total;
    for d in departments {
        if x < d.weight {
            return d;
        }
        x -= d.weight;
    }
    &departments[departments.len() - 1]
}

const ORGANISATION_COLUMNS: &[&str] = &[
    "id",
    "name",
    "kind",
    "commune",
    "department",
    "search_text",
    "created_at",
    "updated_at",
];

async fn organisations(tx: &mut Tx, rng: &mut StdRng, start: Date, summary: &mut Summary) -> Result<Vec<Department>> {
    let mut batch = Batch::new("organisations", ORGANISATION_COLUMNS);
    let created = at(start - Duration::days(900), 9);
    let mut add = |kind: &str, name: String, department: &str| {
        let id = Uuid::new_v4();
        batch.push(vec![
            id.into(),
            name.clone().into(),
            kind.into(),
            format!("Commune {department}").into(),
            department.into(),
            name.to_lowercase().into(),
            created.into(),
            created.into(),
        ]);
        id
    };
    let weights: Vec<f64> = DEPARTMENTS
        .iter()
        .map(|d| if LARGE.contains(&d.code) { 3.0 } else { 1.0 } + rng.random::<f64>())
        .collect();
    let total: f64 = weights.iter().sum();
    let mut out = Vec::new();
    for (d, weight) in DEPARTMENTS.iter().zip(weights) {
        let share = weight / total;
        let mut siae = Vec::new();
        for (kind, kind_share) in SIAE_KINDS {
            let n = (SIAE_TOTAL * share * kind_share).round().max(1.0) as usize;
            for i in 0..n {
                let name = format!("{} {} n° {}", kind.to_uppercase(), d.name, i + 1);
                siae.push((add(kind, name, d.code), *kind));
            }
        }
        for i in 0..(ESAT_TOTAL * share).round().max(1.0) as usize {
            add("esat", format!("ESAT {} n° {}", d.name, i + 1), d.code);
            summary.esat += 1;
        }
        let scheme = add(
            "supported_employment",
            format!("Dispositif d'emploi accompagné {}", d.name),
            d.code,
        );
        add("ddets", format!("DDETS {}", d.name), d.code);
        add("cap_emploi", format!("Cap emploi {}", d.name), d.code);
        let mut prescribers = Vec::new();
        for i in 0..(2.0 + 8.0 * weight / 4.0).round() as usize {
            prescribers.push(add(
                "france_travail_agency",
                format!("Agence France Travail {} n° {}", d.name, i + 1),
                d.code,
            ));
        }
        for i in 0..(1.0 + 4.0 * weight / 4.0).round() as usize {
            prescribers.push(add(
                "mission_locale",
                format!("Mission locale {} n° {}", d.name, i + 1),
                d.code,
            ));
        }
        summary.siae += siae.len() as u64;
        out.push(Department {
            code: d.code,
            weight,
            siae,
            prescribers,
            scheme,
            counsellors: Vec::new(),
            employers: 0,
        });
    }
    summary.organisations = batch.rows() as u64;
    batch.flush(tx).await?;
    Ok(out)
}

/// The counsellors of each scheme (accounts without password nor membership), about one full time for 16 of
/// the people expected (seed 003: 1 for 15, 15 to 20 per counsellor), and the number of employers met (seed
/// 003: 1,030 employers for 2,389 people).
async fn counsellors(
    tx: &mut Tx,
    rng: &mut StdRng,
    departments: &mut [Department],
    people: u64,
    start: Date,
) -> Result<()> {
    let mut users = Batch::new("users", &["id", "email", "display_name", "password_hash", "created_at"]);
    let mut times = Batch::new(
        "supported_counsellors",
        &["scheme_id", "user_id", "fte_hundredths", "updated_at"],
    );
    let total: f64 = departments.iter().map(|d| d.weight).sum();
    let since = at(start - Duration::days(60), 9);
    for d in departments.iter_mut() {
        let expected = people as f64 * SUPPORTED_SHARE * d.weight / total;
        d.employers = (expected * 0.45).round().max(3.0) as u64;
        for _ in 0..(expected / 16.0).round().max(1.0) as usize {
            let id = Uuid::new_v4();
            users.push(vec![
                id.into(),
                format!("synth-{}@passerelle.test", id.simple()).into(),
                format!("Conseiller emploi accompagné {}", d.code).into(),
                "$argon2id$synthetique-sans-connexion".into(),
                since.into(),
            ]);
            times.push(vec![
                d.scheme.into(),
                id.into(),
                rng.random_range(60..=100i64).into(),
                since.into(),
            ]);
            d.counsellors.push(id);
        }
    }
    users.flush(tx).await?;
    times.flush(tx).await
}

/// A local cooperation convention between an agency of the department and 70 % of its SIAE, signed by both.
async fn agreements(
    tx: &mut Tx,
    rng: &mut StdRng,
    departments: &[Department],
    user: Uuid,
    start: Date,
    summary: &mut Summary,
) -> Result<()> {
    let mut agreements = Batch::new(
        "agreements",
        &[
            "id",
            "kind",
            "title",
            "status",
            "current_version",
            "starts_on",
            "ends_on",
            "created_by_organisation_id",
            "created_at",
            "updated_at",
        ],
    );
    let mut versions = Batch::new(
        "agreement_versions",
        &["agreement_id", "number", "content", "signed_on", "created_at"],
    );
    let mut parties = Batch::new(
        "agreement_parties",
        &[
            "agreement_id",
            "organisation_id",
            "position",
            "signed_on",
            "signed_by_user_id",
        ],
    );
    let signed = start - Duration::days(200);
    let created = at(signed - Duration::days(30), 9);
    for d in departments {
        for (siae, _) in &d.siae {
            if rng.random::<f64>() >= 0.7 {
                continue;
            }
            let id = Uuid::new_v4();
            let agency = d.prescribers[0];
            agreements.push(vec![
                id.into(),
                "local_cooperation".into(),
                format!("Convention de coopération locale {}", d.code).into(),
                "in_force".into(),
                1i64.into(),
                (signed + Duration::days(15)).into(),
                (signed + Duration::days(15 + 729)).into(),
                agency.into(),
                created.into(),
                created.into(),
            ]);
            versions.push(vec![
                id.into(),
                1i64.into(),
                serde_json::json!({}).into(),
                signed.into(),
                created.into(),
            ]);
            for (i, org) in [agency, *siae].into_iter().enumerate() {
                parties.push(vec![
                    id.into(),
                    org.into(),
                    (i as i64).into(),
                    signed.into(),
                    user.into(),
                ]);
            }
            summary.agreements += 1;
        }
    }
    agreements.flush(tx).await?;
    versions.flush(tx).await?;
    parties.flush(tx).await
}

/// In each department, a CTA run by an agency that meets every quarter and sends its minutes to the CDIAE, and
/// a few mutual-knowledge actions: the governance sources of the indicators (written held and transmitted at
/// once, their facts kept by the same triggers as the application's changes).
async fn governance(tx: &mut Tx, rng: &mut StdRng, departments: &[Department], start: Date) -> Result<()> {
    let mut committees = Batch::new(
        "committees",
        &[
            "id",
            "kind",
            "name",
            "department",
            "frequency",
            "secretary_organisation_id",
            "created_at",
        ],
    );
    let mut meetings = Batch::new(
        "meetings",
        &[
            "id",
            "committee_id",
            "held_on",
            "start_time",
            "end_time",
            "place",
            "extraordinary",
            "status",
            "created_at",
        ],
    );
    let mut transmissions = Batch::new(
        "minutes_transmissions",
        &["id", "meeting_id", "to_committee_id", "transmitted_on", "created_at"],
    );
    let mut actions = Batch::new(
        "mutual_knowledge_actions",
        &[
            "id",
            "kind",
            "held_on",
            "topic",
            "department",
            "participants",
            "created_by_organisation_id",
            "created_at",
        ],
    );
    let created = at(start - Duration::days(400), 9);
    for d in departments {
        let secretary = d.prescribers[0];
        let (cta, cdiae) = (Uuid::new_v4(), Uuid::new_v4());
        for (id, kind, name) in [(cta, "cta", "CTA"), (cdiae, "cdiae", "CDIAE")] {
            committees.push(vec![
                id.into(),
                kind.into(),
                format!("{name} {}", d.code).into(),
                d.code.into(),
                "quarterly".into(),
                secretary.into(),
                created.into(),
            ]);
        }
        for quarter in 0..4 {
            let (meeting, held_on) = (Uuid::new_v4(), start + Duration::days(40 + 91 * quarter));
            meetings.push(vec![
                meeting.into(),
                cta.into(),
                held_on.into(),
                "09:30".into(),
                "12:00".into(),
                "Préfecture".into(),
                false.into(),
                "held".into(),
                at(held_on - Duration::days(30), 10).into(),
            ]);
            let sent = held_on + Duration::days(20);
            transmissions.push(vec![
                Uuid::new_v4().into(),
                meeting.into(),
                cdiae.into(),
                sent.into(),
                at(sent, 11).into(),
            ]);
        }
        for _ in 0..rng.random_range(2..8) {
            let held_on = start + Duration::days(rng.random_range(0..360));
            actions.push(vec![
                Uuid::new_v4().into(),
                weighted(rng, &[("visit", 0.4), ("webinar", 0.3), ("information_session", 0.3)]).into(),
                held_on.into(),
                "Présentation de l'offre des SIAE".into(),
                d.code.into(),
                rng.random_range(5..40_i64).into(),
                d.prescribers[rng.random_range(0..d.prescribers.len())].into(),
                at(held_on, 17).into(),
            ]);
        }
    }
    committees.flush(tx).await?;
    meetings.flush(tx).await?;
    transmissions.flush(tx).await?;
    actions.flush(tx).await
}

/// The rows of a chunk of people, table by table, written in the order of their references.
struct Pathways {
    persons: Batch,
    diagnoses: Batch,
    prescriptions: Batch,
    steps: Batch,
    events: Batch,
    actions: Batch,
    registrations: Batch,
    obligations: Batch,
    interviews: Batch,
    exits: Batch,
    entries: Batch,
    conventions: Batch,
    activities: Batch,
    jobs: Batch,
}

impl Pathways {
    fn new() -> Self {
        Self {
            persons: Batch::new(
                "persons",
                &[
                    "id",
                    "first_name",
                    "last_name",
                    "birth_date",
                    "consent_data_sharing",
                    "consent_date",
                    "created_by_organisation_id",
                    "search_text",
                    "created_at",
                    "updated_at",
                ],
            ),
            diagnoses: Batch::new(
                "iae_diagnoses",
                &[
                    "id",
                    "person_id",
                    "organisation_id",
                    "author_kind",
                    "siae_kind",
                    "diagnosed_on",
                    "criteria",
                    "eligible",
                    "expires_on",
                    "created_at",
                ],
            ),
            prescriptions: Batch::new(
                "prescriptions",
                &[
                    "id",
                    "person_id",
                    "prescriber_id",
                    "siae_id",
                    "diagnosis_id",
                    "message",
                    "consent_on",
                    "status",
                    "created_at",
                    "updated_at",
                ],
            ),
            steps: Batch::new(
                "referral_steps",
                &[
                    "id",
                    "prescription_id",
                    "status",
                    "side",
                    "organisation_id",
                    "author_label",
                    "step_date",
                    "motive",
                    "created_at",
                ],
            ),
            events: Batch::new(
                "iae_pathway_events",
                &[
                    "id",
                    "person_id",
                    "seq",
                    "siae_id",
                    "siae_kind",
                    "kind",
                    "payload",
                    "explanation",
                    "organisation_id",
                    "prescription_id",
                    "created_at",
                ],
            ),
            actions: Batch::new(
                "accompaniment_actions",
                &[
                    "id",
                    "person_id",
                    "organisation_id",
                    "kind",
                    "title",
                    "starts_on",
                    "hours",
                    "created_at",
                ],
            ),
            registrations: Batch::new(
                "spe_registrations",
                &[
                    "id",
                    "person_id",
                    "organisation_id",
                    "registered",
                    "since",
                    "created_at",
                ],
            ),
            obligations: Batch::new(
                "obligations",
                &[
                    "id",
                    "source",
                    "source_key",
                    "organisation_id",
                    "due_on",
                    "title",
                    "link",
                    "rule",
                    "done_at",
                    "updated_at",
                ],
            ),
            entries: Batch::new(
                "supported_entries",
                &[
                    "id",
                    "person_id",
                    "scheme_id",
                    "route",
                    "decided_on",
                    "valid_until",
                    "entered_on",
                    "counsellor_user_id",
                    "exited_on",
                    "created_at",
                ],
            ),
            conventions: Batch::new("supported_conventions", &["id", "entry_id", "signed_on", "created_at"]),
            activities: Batch::new(
                "supported_activities",
                &[
                    "id",
                    "entry_id",
                    "counsellor_user_id",
                    "module",
                    "done_on",
                    "minutes",
                    "employer",
                    "employer_key",
                    "created_at",
                ],
            ),
            jobs: Batch::new(
                "supported_jobs",
                &[
                    "id",
                    "entry_id",
                    "employer",
                    "employer_key",
                    "position",
                    "contract",
                    "starts_on",
                    "weekly_hours",
                    "created_at",
                ],
            ),
            interviews: Batch::new(
                "tripartite_interviews",
                &["id", "person_id", "siae_id", "held_on", "notes", "created_at"],
            ),
            exits: Batch::new(
                "exit_reviews",
                &[
                    "id",
                    "person_id",
                    "siae_id",
                    "exit_on",
                    "outcome",
                    "skills",
                    "follow_up_on",
                    "followed_up_on",
                    "registered_spe",
                    "employed",
                    "created_at",
                ],
            ),
        }
    }

    /// One person and their pathway in department `d`, starting on a day of the year after `start`; now and
    /// then another person followed in supported employment.
    fn person(&mut self, rng: &mut StdRng, d: &Department, start: Date) {
        if rng.random::<f64>() < SUPPORTED_SHARE {
            self.supported(rng, d, start);
        }
        let person = Uuid::new_v4();
        let prescriber = d.prescribers[rng.random_range(0..d.prescribers.len())];
        let (siae, kind) = d.siae[rng.random_range(0..d.siae.len())];
        let acronym = kind.to_uppercase();
        let sent = start + Duration::days(rng.random_range(0..365));
        let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
        let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
        let birth = start - Duration::days(rng.random_range(18 * 365..60 * 365));
        self.persons.push(vec![
            person.into(),
            first.into(),
            last.into(),
            birth.into(),
            true.into(),
            sent.into(),
            prescriber.into(),
            format!("{} {}", first, last).to_lowercase().into(),
            at(sent, 8).into(),
            at(sent, 8).into(),
        ]);
        let diagnosis = Uuid::new_v4();
        let diagnosed = sent - Duration::days(rng.random_range(0..10));
        self.diagnoses.push(vec![
            diagnosis.into(),
            person.into(),
            prescriber.into(),
            "authorized_prescriber".into(),
            acronym.clone().into(),
            diagnosed.into(),
            serde_json::json!(["rsa"]).into(),
            true.into(),
            (diagnosed + Duration::days(183)).into(),
            at(diagnosed, 8).into(),
        ]);
        // One in five is first refused by another SIAE of the department.
        if rng.random::<f64>() < 0.2 {
            let (other, _) = d.siae[rng.random_range(0..d.siae.len())];
            let refused = self.prescription(
                rng,
                person,
                prescriber,
                other,
                diagnosis,
                sent - Duration::days(20),
                "refused",
            );
            self.step(refused, "received", "siae", other, sent - Duration::days(18), None);
            let motive = REFUSALS[rng.random_range(0..REFUSALS.len())];
            self.step(
                refused,
                "refused",
                "siae",
                other,
                sent - Duration::days(12),
                Some(motive),
            );
        }
        let outcome: f64 = rng.random();
        let status = if outcome < 0.62 {
            "hired"
        } else if outcome < 0.87 {
            "refused"
        } else {
            "withdrawn"
        };
        let prescription = self.prescription(rng, person, prescriber, siae, diagnosis, sent, status);
        self.step(
            prescription,
            "received",
            "siae",
            siae,
            sent + Duration::days(rng.random_range(0..3)),
            None,
        );
        match status {
            "refused" => {
                let motive = REFUSALS[rng.random_range(0..REFUSALS.len())];
                self.step(
                    prescription,
                    "refused",
                    "siae",
                    siae,
                    sent + Duration::days(rng.random_range(3..30)),
                    Some(motive),
                );
            }
            "withdrawn" => {
                self.step(
                    prescription,
                    "withdrawn",
                    "prescriber",
                    prescriber,
                    sent + Duration::days(rng.random_range(3..30)),
                    Some("situation_changed"),
                );
            }
            _ => {
                let hired = sent + Duration::days(rng.random_range(7..60));
                self.step(
                    prescription,
                    "interview_planned",
                    "siae",
                    siae,
                    hired - Duration::days(5),
                    None,
                );
                self.step(
                    prescription,
                    "interview_held",
                    "siae",
                    siae,
                    hired - Duration::days(3),
                    None,
                );
                self.step(prescription, "hired", "siae", siae, hired, None);
                self.pathway(rng, person, siae, &acronym, prescription, hired);
            }
        }
    }

    /// A person followed by the department's supported-employment scheme: entered by a CDAPH decision during
    /// the year or the half-year before, the convention, the assessment and the project, job search with
    /// employers, for two in three a job (45 % of them within 6 months; as the later ones are often beyond the
    /// data, about half the people accompanied are in employment, 55 % of them within 6 months, as in seed 003)
    /// with support in employment after it, and an exit for some.
    fn supported(&mut self, rng: &mut StdRng, d: &Department, start: Date) {
        let person = Uuid::new_v4();
        let entry = Uuid::new_v4();
        let today = crate::infra::clock::now().date();
        let entered = start + Duration::days(rng.random_range(-180..365));
        let decided = entered - Duration::days(rng.random_range(10..90));
        let exited = (rng.random::<f64>() < 0.3)
            .then(|| entered + Duration::days(rng.random_range(180..600)))
            .filter(|out| *out <= today);
        let last = exited.unwrap_or(today).min(start + Duration::days(455));
        let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
        let name = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
        self.persons.push(vec![
            person.into(),
            first.into(),
            name.into(),
            (start - Duration::days(rng.random_range(20 * 365..55 * 365))).into(),
            true.into(),
            entered.into(),
            d.scheme.into(),
            format!("{first} {name}").to_lowercase().into(),
            at(entered, 8).into(),
            at(entered, 8).into(),
        ]);
        let counsellor = d.counsellors[rng.random_range(0..d.counsellors.len())];
        self.entries.push(vec![
            entry.into(),
            person.into(),
            d.scheme.into(),
            "cdaph".into(),
            Some(decided).into(),
            Some(decided + Duration::days(5 * 365)).into(),
            entered.into(),
            counsellor.into(),
            exited.into(),
            at(entered, 9).into(),
        ]);
        self.conventions.push(vec![
            Uuid::new_v4().into(),
            entry.into(),
            (entered + Duration::days(rng.random_range(0..21))).into(),
            at(entered, 10).into(),
        ]);
        let employer = |rng: &mut StdRng| format!("Employeur {} n° {}", d.code, rng.random_range(0..d.employers) + 1);
        let mut activity = |module: &str, on: Date, minutes: i64, employer: Option<String>| {
            if on <= last {
                let key = employer.as_deref().map(passerelle_domain::text::fold);
                self.activities.push(vec![
                    Uuid::new_v4().into(),
                    entry.into(),
                    counsellor.into(),
                    module.into(),
                    on.into(),
                    minutes.into(),
                    employer.into(),
                    key.into(),
                    at(on, 15).into(),
                ]);
            }
        };
        activity("assessment", entered, rng.random_range(45..120), None);
        activity(
            "project",
            entered + Duration::days(rng.random_range(15..60)),
            rng.random_range(30..90),
            None,
        );
        for _ in 0..rng.random_range(1..3) {
            let met = (rng.random::<f64>() < 0.5).then(|| employer(rng));
            let on = entered + Duration::days(rng.random_range(60..150));
            activity("job_search", on, rng.random_range(30..120), met);
        }
        if rng.random::<f64>() < 0.65 {
            let after = if rng.random::<f64>() < 0.45 { 30..183 } else { 184..400 };
            let starts = entered + Duration::days(rng.random_range(after));
            if starts <= last {
                let name = employer(rng);
                self.jobs.push(vec![
                    Uuid::new_v4().into(),
                    entry.into(),
                    name.clone().into(),
                    passerelle_domain::text::fold(&name).into(),
                    "Agent polyvalent".into(),
                    (if rng.random::<f64>() < 0.4 { "cdi" } else { "cdd" }).into(),
                    starts.into(),
                    rng.random_range(15..35i64).into(),
                    at(starts, 11).into(),
                ]);
                for _ in 0..rng.random_range(1..4) {
                    let on = starts + Duration::days(rng.random_range(7..180));
                    activity("in_employment", on, rng.random_range(20..90), Some(name.clone()));
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn prescription(
        &mut self,
        rng: &mut StdRng,
        person: Uuid,
        prescriber: Uuid,
        siae: Uuid,
        diagnosis: Uuid,
        on: Date,
        status: &str,
    ) -> Uuid {
        let id = Uuid::new_v4();
        let hour = rng.random_range(8..18);
        self.prescriptions.push(vec![
            id.into(),
            person.into(),
            prescriber.into(),
            siae.into(),
            diagnosis.into(),
            "Candidature préparée avec la personne.".into(),
            on.into(),
            status.into(),
            at(on, hour).into(),
            at(on, hour).into(),
        ]);
        id
    }

    fn step(
        &mut self,
        prescription: Uuid,
        status: &str,
        side: &str,
        organisation: Uuid,
        on: Date,
        motive: Option<&str>,
    ) {
        self.steps.push(vec![
            Uuid::new_v4().into(),
            prescription.into(),
            status.into(),
            side.into(),
            organisation.into(),
            "synthèse".into(),
            Some(on).into(),
            motive.map(str::to_owned).into(),
            at(on, 12).into(),
        ]);
    }

    /// The approval's events and the accompaniment after a hiring on `hired`.
    fn pathway(&mut self, rng: &mut StdRng, person: Uuid, siae: Uuid, acronym: &str, prescription: Uuid, hired: Date) {
        let mut events = vec![PathwayEvent::Hiring {
            date: hired,
            waiver: false,
        }];
        if rng.random::<f64>() < 0.03 {
            events.push(PathwayEvent::AgrementRequest {
                date: hired + Duration::days(30),
                request: RequestKind::Extension,
            });
        }
        if rng.random::<f64>() < 0.02 {
            events.push(PathwayEvent::AgrementDecision {
                date: hired + Duration::days(35),
                decision: Decision::Refused,
                motive: Some("critères non remplis".into()),
            });
        }
        if rng.random::<f64>() < 0.10 {
            let from = hired + Duration::days(rng.random_range(30..200));
            events.push(PathwayEvent::Suspension {
                from,
                to: from + Duration::days(30),
                reason: SuspensionReason::ContractSuspended,
            });
        }
        if rng.random::<f64>() < 0.15 {
            let from = hired + Duration::days(rng.random_range(200..300));
            events.push(PathwayEvent::Prolongation {
                from,
                to: from + Duration::days(180),
                reason: ProlongationReason::Training,
            });
        }
        for (seq, event) in events.iter().enumerate() {
            let payload = serde_json::to_value(event).unwrap_or_default();
            let kind = payload["kind"].as_str().unwrap_or_default().to_owned();
            let on = payload["date"]
                .as_str()
                .or(payload["from"].as_str())
                .and_then(|s| Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok())
                .unwrap_or(hired);
            self.events.push(vec![
                Uuid::new_v4().into(),
                person.into(),
                (seq as i64 + 1).into(),
                siae.into(),
                acronym.into(),
                kind.into(),
                payload.into(),
                "Événement accepté (données synthétiques).".into(),
                siae.into(),
                Some(prescription).into(),
                at(on, 14).into(),
            ]);
        }
        for _ in 0..rng.random_range(1..4) {
            let kind = weighted(rng, ACTIONS);
            let on = hired + Duration::days(rng.random_range(5..300));
            let hours = matches!(kind, "training" | "poec" | "poei" | "afpr").then(|| rng.random_range(20..200i64));
            self.actions.push(vec![
                Uuid::new_v4().into(),
                person.into(),
                siae.into(),
                kind.into(),
                format!("Action {kind}").into(),
                on.into(),
                hours.into(),
                at(on, 15).into(),
            ]);
        }
        self.registrations.push(vec![
            Uuid::new_v4().into(),
            person.into(),
            siae.into(),
            (rng.random::<f64>() < 0.8).into(),
            hired.into(),
            at(hired, 16).into(),
        ]);
        if rng.random::<f64>() < 0.4 {
            // Its due date, as the deadlines engine sets it: 2 months before the end of the PASS IAE (730 days,
            // RULES.md 1.2, moved by the suspensions and prolongations above); one in five held late when it is
            // already due.
            let moved: i64 = events
                .iter()
                .map(|e| match e {
                    PathwayEvent::Suspension { from, to, .. } | PathwayEvent::Prolongation { from, to, .. } => {
                        (*to - *from).whole_days() + 1
                    }
                    _ => 0,
                })
                .sum();
            let end = hired + Duration::days(729 + moved);
            let due = passerelle_domain::calendar::add_months(end, -2);
            let late = due + Duration::days(rng.random_range(1..45));
            let on = if rng.random::<f64>() < 0.2 && late <= crate::infra::clock::now().date() {
                late
            } else {
                hired + Duration::days(rng.random_range(90..300))
            };
            self.obligations.push(vec![
                Uuid::new_v4().into(),
                "tripartite_interview".into(),
                person.to_string().into(),
                siae.into(),
                due.into(),
                "Entretien tripartite de sortie".into(),
                crate::infra::notifications::approval_page(person).into(),
                "Entre 3 et 2 mois avant la fin du parcours (Accord régional BFC 2016, fiche 7)".into(),
                Some(at(on, 10)).into(),
                at(on, 10).into(),
            ]);
            self.interviews.push(vec![
                Uuid::new_v4().into(),
                person.into(),
                siae.into(),
                on.into(),
                "Entretien tripartite.".into(),
                at(on, 10).into(),
            ]);
        }
        if rng.random::<f64>() < 0.35 {
            let exit = hired + Duration::days(rng.random_range(60..330));
            let follow_up = exit + Duration::days(183);
            let followed = (follow_up <= crate::infra::clock::now().date())
                .then(|| follow_up + Duration::days(rng.random_range(0..20)));
            let registered = followed.map(|_| rng.random::<f64>() < 0.6);
            let employed = followed.map(|_| rng.random::<f64>() < 0.55);
            self.exits.push(vec![
                Uuid::new_v4().into(),
                person.into(),
                siae.into(),
                exit.into(),
                weighted(rng, OUTCOMES).into(),
                "Compétences acquises.".into(),
                follow_up.into(),
                followed.into(),
                registered.into(),
                employed.into(),
                at(exit, 11).into(),
            ]);
        }
    }

    /// Writes every table of the chunk; answers the number of rows.
    async fn flush(&mut self, tx: &mut Tx) -> Result<u64> {
        let mut rows = 0;
        for batch in [
            &mut self.persons,
            &mut self.diagnoses,
            &mut self.prescriptions,
            &mut self.steps,
            &mut self.events,
            &mut self.actions,
            &mut self.registrations,
            &mut self.obligations,
            &mut self.interviews,
            &mut self.exits,
            &mut self.entries,
            &mut self.conventions,
            &mut self.activities,
            &mut self.jobs,
        ] {
            rows += batch.rows() as u64;
            batch.flush(tx).await?;
        }
        Ok(rows)
    }
}
