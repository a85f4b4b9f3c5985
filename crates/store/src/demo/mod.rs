//! The demo territory: Côte-d'Or (21), with its public employment service, SIAE, ESAT, a
//! supported-employment scheme, the DDETS, an IAE network, employers, contacts and persons, and one
//! account per organisation; IAE offers, prescriptions at several steps and a PASS IAE. Names are fictional.

mod agreements;
mod esat;
// Issue 6: supported employment.
mod governance;
mod supported;

use crate::Store;
use crate::auth::NewUser;
use crate::auth::access::MemberRole;
use crate::directory::{ExternalKey, Upserted};
use crate::infra::error::Result;
use crate::pathways::iae::referral::NewPrescription;
use passerelle_domain::directory::{ContactInput, ContactRole, OrganisationInput, siret::with_luhn_key};
use passerelle_domain::pathways::iae::offer::OfferInput;
use passerelle_domain::pathways::iae::referral::StepInput;
use passerelle_domain::pathways::iae::{Criterion, SiaeKind};
use passerelle_domain::person::PersonInput;
use serde::Serialize;
use time::macros::date;
use uuid::Uuid;

/// The source under which demo organisations are stored; their presence means the demo is loaded.
pub const DEMO_SOURCE: &str = "passerelle-demo";
/// Every demo account uses this password: the demo is public.
pub const DEMO_PASSWORD: &str = "passerelle-demo-2026";
pub const ADMIN_EMAIL: &str = "admin@passerelle.test";

#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub email: String,
    pub password: String,
    pub organisation: String,
    pub kind: String,
}

struct DemoOrganisation {
    key: &'static str,
    name: &'static str,
    kind: &'static str,
    siret_prefix: &'static str,
    address: &'static str,
    postal_code: &'static str,
    commune: &'static str,
    territories: &'static [&'static str],
    parent: Option<&'static str>,
    email: &'static str,
    phone: &'static str,
    /// Contacts: first name, last name, function, role.
    contacts: &'static [(&'static str, &'static str, &'static str, ContactRole)],
}

const ORGANISATIONS: &[DemoOrganisation] = &[
    DemoOrganisation {
        key: "ft-dt21",
        name: "France Travail – Direction territoriale de Côte-d'Or",
        kind: "france_travail_territorial",
        siret_prefix: "1300054810210",
        address: "4 rue Jeanne Barret",
        postal_code: "21000",
        commune: "Dijon",
        territories: &["21"],
        parent: None,
        email: "dt21@francetravail.test",
        phone: "03 80 00 10 00",
        contacts: &[("Hélène", "Garnier", "Directrice territoriale", ContactRole::Director)],
    },
    DemoOrganisation {
        key: "ft-dijon",
        name: "Agence France Travail Dijon Drapeau",
        kind: "france_travail_agency",
        siret_prefix: "1300054810211",
        address: "12 avenue du Drapeau",
        postal_code: "21000",
        commune: "Dijon",
        territories: &[],
        parent: Some("ft-dt21"),
        email: "dijon-drapeau@francetravail.test",
        phone: "03 80 00 11 00",
        contacts: &[
            ("Marc", "Lefèvre", "Directeur d'agence", ContactRole::Director),
            (
                "Sophie",
                "Bernard",
                "Conseillère référente IAE",
                ContactRole::SpeReferent,
            ),
            ("Karim", "Haddad", "Conseiller entreprises", ContactRole::Other),
        ],
    },
    DemoOrganisation {
        key: "cap-emploi",
        name: "Cap emploi Côte-d'Or",
        kind: "cap_emploi",
        siret_prefix: "4420123450001",
        address: "5 rue de Mulhouse",
        postal_code: "21000",
        commune: "Dijon",
        territories: &[],
        parent: None,
        email: "contact@capemploi21.test",
        phone: "03 80 00 12 00",
        contacts: &[
            ("Claire", "Moreau", "Directrice", ContactRole::Director),
            ("Julien", "Petit", "Chargé de mission", ContactRole::SpeReferent),
        ],
    },
    DemoOrganisation {
        key: "ml-dijon",
        name: "Mission locale Dijon Métropole",
        kind: "mission_locale",
        siret_prefix: "3120456780002",
        address: "23 rue Verrerie",
        postal_code: "21000",
        commune: "Dijon",
        territories: &[],
        parent: None,
        email: "accueil@ml-dijon.test",
        phone: "03 80 00 13 00",
        contacts: &[
            ("Nadia", "Benali", "Conseillère en insertion", ContactRole::SpeReferent),
            ("Paul", "Roux", "Directeur", ContactRole::Director),
        ],
    },
    DemoOrganisation {
        key: "aci-jardins",
        name: "Les Jardins de la Combe",
        kind: "aci",
        siret_prefix: "5010203040005",
        address: "Chemin de la Combe",
        postal_code: "21370",
        commune: "Plombières-lès-Dijon",
        territories: &[],
        parent: None,
        email: "contact@jardins-combe.test",
        phone: "03 80 00 20 00",
        contacts: &[
            ("Isabelle", "Fournier", "Directrice", ContactRole::Director),
            (
                "Thomas",
                "Girard",
                "Conseiller en insertion professionnelle",
                ContactRole::SiaeCorrespondent,
            ),
            ("Léa", "Mercier", "Encadrante technique", ContactRole::Other),
        ],
    },
    DemoOrganisation {
        key: "ei-recyclage",
        name: "Bourgogne Recyclage Insertion",
        kind: "ei",
        siret_prefix: "5020304050006",
        address: "8 rue de l'Industrie",
        postal_code: "21300",
        commune: "Chenôve",
        territories: &[],
        parent: None,
        email: "contact@bri.test",
        phone: "03 80 00 21 00",
        contacts: &[
            ("Olivier", "Lambert", "Gérant", ContactRole::Director),
            (
                "Aurélie",
                "Faure",
                "Chargée d'accompagnement",
                ContactRole::SiaeCorrespondent,
            ),
        ],
    },
    DemoOrganisation {
        key: "ai-solidarite",
        name: "Solidarité Emploi Côte-d'Or",
        kind: "ai",
        siret_prefix: "5030405060007",
        address: "2 place de la République",
        postal_code: "21200",
        commune: "Beaune",
        territories: &[],
        parent: None,
        email: "contact@se21.test",
        phone: "03 80 00 22 00",
        contacts: &[
            ("Bernard", "Chevalier", "Président", ContactRole::Director),
            ("Émilie", "Blanc", "Chargée de mission", ContactRole::SiaeCorrespondent),
        ],
    },
    DemoOrganisation {
        key: "esat-suzon",
        name: "ESAT Les Ateliers du Suzon",
        kind: "esat",
        siret_prefix: "7750102030008",
        address: "15 rue du Suzon",
        postal_code: "21121",
        commune: "Fontaine-lès-Dijon",
        territories: &[],
        parent: None,
        email: "contact@esat-suzon.test",
        phone: "03 80 00 30 00",
        contacts: &[
            ("François", "Dupuis", "Directeur", ContactRole::Director),
            (
                "Camille",
                "Henry",
                "Chargée d'insertion professionnelle",
                ContactRole::InsertionOfficer,
            ),
            ("Yann", "Perrin", "Moniteur principal", ContactRole::Other),
        ],
    },
    DemoOrganisation {
        key: "esat-ouche",
        name: "ESAT de la Vallée de l'Ouche",
        kind: "esat",
        siret_prefix: "7750203040009",
        address: "Route de Pont-de-Pany",
        postal_code: "21410",
        commune: "Fleurey-sur-Ouche",
        territories: &[],
        parent: None,
        email: "contact@esat-ouche.test",
        phone: "03 80 00 31 00",
        contacts: &[
            ("Martine", "Robin", "Directrice", ContactRole::Director),
            ("Hugo", "Colin", "Chargé d'insertion", ContactRole::InsertionOfficer),
        ],
    },
    DemoOrganisation {
        key: "dea-21",
        name: "Emploi accompagné Côte-d'Or",
        kind: "supported_employment",
        siret_prefix: "7760304050001",
        address: "40 rue de Longvic",
        postal_code: "21000",
        commune: "Dijon",
        territories: &[],
        parent: None,
        email: "contact@ea21.test",
        phone: "03 80 00 32 00",
        contacts: &[
            ("Anne", "Vincent", "Coordinatrice", ContactRole::Director),
            (
                "Samir",
                "Brahimi",
                "Conseiller en emploi accompagné",
                ContactRole::SupportedEmploymentCounsellor,
            ),
            (
                "Lucie",
                "Masson",
                "Conseillère en emploi accompagné",
                ContactRole::SupportedEmploymentCounsellor,
            ),
        ],
    },
    DemoOrganisation {
        key: "ddets-21",
        name: "DDETS de la Côte-d'Or",
        kind: "ddets",
        siret_prefix: "1300123400021",
        address: "11 rue de l'Hôpital",
        postal_code: "21000",
        commune: "Dijon",
        territories: &[],
        parent: None,
        email: "ddets-iae@cote-dor.test",
        phone: "03 80 00 40 00",
        contacts: &[
            ("Philippe", "Renard", "Chef du service insertion", ContactRole::Director),
            (
                "Sarah",
                "Lemoine",
                "Chargée de mission IAE",
                ContactRole::CommitteeSecretary,
            ),
        ],
    },
    DemoOrganisation {
        key: "reseau-iae",
        name: "Inter-réseau IAE Bourgogne-Franche-Comté",
        kind: "iae_network",
        siret_prefix: "4430506070002",
        address: "6 bis boulevard Diderot",
        postal_code: "25000",
        commune: "Besançon",
        territories: &["21", "25", "39", "58", "70", "71", "89", "90"],
        parent: None,
        email: "contact@iae-bfc.test",
        phone: "03 81 00 50 00",
        contacts: &[("Gilles", "Marchand", "Délégué régional", ContactRole::Director)],
    },
    DemoOrganisation {
        key: "employeur-boulangerie",
        name: "Boulangerie Morel",
        kind: "employer",
        siret_prefix: "8120304050003",
        address: "3 rue des Forges",
        postal_code: "21000",
        commune: "Dijon",
        territories: &[],
        parent: None,
        email: "contact@boulangerie-morel.test",
        phone: "03 80 00 60 00",
        contacts: &[("Jean", "Morel", "Gérant", ContactRole::Director)],
    },
    DemoOrganisation {
        key: "employeur-transports",
        name: "Transports Bourguignons",
        kind: "employer",
        siret_prefix: "8130405060004",
        address: "ZI Nord, rue de Mayence",
        postal_code: "21000",
        commune: "Dijon",
        territories: &[],
        parent: None,
        email: "rh@transports-bourguignons.test",
        phone: "03 80 00 61 00",
        contacts: &[(
            "Valérie",
            "Gauthier",
            "Responsable des ressources humaines",
            ContactRole::Director,
        )],
    },
    DemoOrganisation {
        key: "employeur-clinique",
        name: "Clinique du Parc",
        kind: "employer",
        siret_prefix: "8140506070005",
        address: "9 avenue Victor Hugo",
        postal_code: "21000",
        commune: "Dijon",
        territories: &[],
        parent: None,
        email: "recrutement@clinique-parc.test",
        phone: "03 80 00 62 00",
        contacts: &[("Denis", "Roche", "Directeur des soins", ContactRole::Director)],
    },
];

/// Persons: first name, last name, birth date, organisations following them (first = creator), consent.
const PERSONS: &[(&str, &str, time::Date, &[&str], bool)] = &[
    (
        "Kevin",
        "Durand",
        date!(1994 - 03 - 12),
        &["ft-dijon", "aci-jardins"],
        true,
    ),
    (
        "Fatou",
        "Diallo",
        date!(1988 - 07 - 25),
        &["ft-dijon", "ei-recyclage"],
        true,
    ),
    ("Sébastien", "Leroy", date!(1969 - 11 - 02), &["ft-dijon"], false),
    (
        "Inès",
        "Marchal",
        date!(2004 - 01 - 19),
        &["ml-dijon", "aci-jardins"],
        true,
    ),
    (
        "Romain",
        "Gillet",
        date!(1979 - 05 - 08),
        &["cap-emploi", "dea-21"],
        true,
    ),
    (
        "Mélanie",
        "Arnaud",
        date!(1985 - 09 - 30),
        &["esat-suzon", "cap-emploi"],
        true,
    ),
    ("David", "Caron", date!(1991 - 12 - 14), &["esat-ouche"], true),
    ("Yasmine", "Bouzid", date!(1998 - 04 - 03), &["ai-solidarite"], false),
];

fn email_of(key: &str) -> String {
    format!("{key}@passerelle.test")
}

/// Loads the demo territory unless it is already there. Returns whether it loaded anything.
pub async fn load(store: &Store) -> Result<bool> {
    let ctx = store.operator_context("chargement de la démonstration");
    let mut ids = std::collections::HashMap::new();
    let mut tx = store.begin().await?;
    let mut created = false;
    for o in ORGANISATIONS {
        let input = OrganisationInput {
            name: o.name.into(),
            kind: o.kind.into(),
            siret: with_luhn_key(o.siret_prefix).map(String::from),
            address_line: Some(o.address.into()),
            postal_code: Some(o.postal_code.into()),
            commune: o.commune.into(),
            department: passerelle_domain::directory::department_of_postal_code(o.postal_code)?
                .code
                .into(),
            territories: o.territories.iter().map(|t| t.to_string()).collect(),
            email: Some(o.email.into()),
            phone: Some(o.phone.into()),
            ..Default::default()
        };
        let key = ExternalKey {
            source: DEMO_SOURCE.into(),
            external_id: o.key.into(),
        };
        let (id, what) = store
            .upsert_organisation(&mut tx, &ctx, &key, &input.validate()?)
            .await?;
        created |= what == Upserted::Created;
        ids.insert(o.key, id);
    }
    tx.commit().await?;
    if !created {
        return Ok(false);
    }
    for o in ORGANISATIONS {
        let id = ids[o.key];
        if let Some(parent) = o.parent {
            let org = store.organisation(&ctx, id).await?;
            store
                .update_organisation(&ctx, id, org.to_input().validate()?, Some(ids[parent]))
                .await?;
        }
        let mut holders: Vec<(ContactRole, Uuid)> = Vec::new();
        for (first, last, function, role) in o.contacts {
            let contact = store
                .create_contact(
                    &ctx,
                    id,
                    ContactInput {
                        first_name: first.to_string(),
                        last_name: last.to_string(),
                        function: Some(function.to_string()),
                        email: Some(format!(
                            "{}.{}@{}",
                            fold_ascii(first),
                            fold_ascii(last),
                            o.email.split('@').nth(1).unwrap_or("passerelle.test")
                        )),
                        phone: Some(o.phone.into()),
                    }
                    .validate()?,
                )
                .await?;
            holders.push((*role, contact.id));
        }
        // Each role names the organisation's next contact as its substitute (degraded mode).
        for (i, (role, holder)) in holders.iter().enumerate() {
            let substitute = holders
                .get((i + 1) % holders.len())
                .map(|(_, c)| *c)
                .filter(|c| c != holder);
            store.assign_role(&ctx, id, *role, *holder, substitute).await?;
        }
        store
            .create_user(
                &ctx,
                NewUser {
                    email: &email_of(o.key),
                    display_name: &format!("{} {}", o.contacts[0].0, o.contacts[0].1),
                    password: DEMO_PASSWORD,
                    platform_admin: false,
                    memberships: &[(id, MemberRole::Admin)],
                },
            )
            .await?;
    }
    store
        .create_user(
            &ctx,
            NewUser {
                email: ADMIN_EMAIL,
                display_name: "Administration Passerelle",
                password: DEMO_PASSWORD,
                platform_admin: true,
                memberships: &[],
            },
        )
        .await?;
    // The prefect, through the DDETS, authorises bodies that are not prescribers by right.
    for key in ["dea-21", "esat-suzon"] {
        store
            .create_authorisation(
                &ctx,
                ids[key],
                "Préfet de la Côte-d'Or (DDETS)",
                date!(2024 - 01 - 01),
                Some(date!(2026 - 12 - 31)),
                date!(2026 - 01 - 01),
            )
            .await?;
    }
    let mut person_ids = std::collections::HashMap::new();
    for (first, last, birth, followers, consent) in PERSONS {
        let creator_key = followers[0];
        let creator = store.login_context_for(&email_of(creator_key)).await?;
        let scope = store.persons(&creator);
        let p = scope
            .create(
                ids[creator_key],
                PersonInput {
                    first_name: first.to_string(),
                    last_name: last.to_string(),
                    birth_date: Some(*birth),
                    consent_data_sharing: *consent,
                    consent_date: consent.then_some(date!(2026 - 09 - 01)),
                    commune: Some("Dijon".into()),
                    postal_code: Some("21000".into()),
                    ..Default::default()
                }
                .validate(date!(2026 - 11 - 01))?,
            )
            .await?;
        for other in &followers[1..] {
            scope.add_follower(p.id, ids[other]).await?;
        }
        person_ids.insert(*last, p.id);
    }
    agreements::load(store, &ids).await?;
    load_iae(store, &ids, &person_ids).await?;
    governance::load(store, &ids).await?;
    esat::load(store, &ids, &person_ids).await?;
    supported::load(store, &ids, &person_ids).await?;
    Ok(true)
}

/// A demo offer of an SIAE.
struct DemoOffer {
    siae: &'static str,
    title: &'static str,
    rome_code: &'static str,
    place: &'static str,
    weekly_hours: i64,
    positions: i64,
    prerequisites: &'static str,
    open: bool,
}

const OFFERS: &[DemoOffer] = &[
    DemoOffer {
        siae: "aci-jardins",
        title: "Ouvrier maraîcher",
        rome_code: "A1414",
        place: "Dijon",
        weekly_hours: 26,
        positions: 3,
        prerequisites: "Travail en extérieur, port de charges",
        open: true,
    },
    DemoOffer {
        siae: "aci-jardins",
        title: "Agent d'entretien des espaces verts",
        rome_code: "A1203",
        place: "Chenôve",
        weekly_hours: 24,
        positions: 2,
        prerequisites: "Aucun",
        open: false,
    },
    DemoOffer {
        siae: "ei-recyclage",
        title: "Agent de tri",
        rome_code: "K2304",
        place: "Longvic",
        weekly_hours: 35,
        positions: 4,
        prerequisites: "Station debout prolongée",
        open: true,
    },
    DemoOffer {
        siae: "ai-solidarite",
        title: "Aide ménager chez les particuliers",
        rome_code: "K1304",
        place: "Dijon",
        weekly_hours: 20,
        positions: 5,
        prerequisites: "Mobilité sur l'agglomération",
        open: true,
    },
];

/// A demo prescription: the prescriber's diagnosis criteria, then the steps the SIAE wrote after the sending
/// (status and date).
struct DemoPrescription {
    person: &'static str,
    prescriber: &'static str,
    siae: &'static str,
    criteria: &'static [Criterion],
    steps: &'static [(&'static str, Option<time::Date>)],
}

const PRESCRIPTIONS: &[DemoPrescription] = &[
    DemoPrescription {
        person: "Durand",
        prescriber: "ft-dijon",
        siae: "aci-jardins",
        criteria: &[Criterion::Rsa],
        steps: &[
            ("received", None),
            ("interview_planned", Some(date!(2026 - 09 - 29))),
            ("interview_held", None),
            ("hired", Some(date!(2026 - 10 - 05))),
        ],
    },
    DemoPrescription {
        person: "Diallo",
        prescriber: "ft-dijon",
        siae: "ei-recyclage",
        criteria: &[Criterion::Deld, Criterion::SingleParent, Criterion::Qpv],
        steps: &[("received", None), ("interview_planned", Some(date!(2026 - 12 - 01)))],
    },
    DemoPrescription {
        person: "Marchal",
        prescriber: "ml-dijon",
        siae: "aci-jardins",
        criteria: &[Criterion::Young26, Criterion::EducationLevel3],
        steps: &[],
    },
];

/// Offers, diagnoses, prescriptions at various steps of their referral sheets, and one PASS IAE.
async fn load_iae(
    store: &Store,
    ids: &std::collections::HashMap<&str, Uuid>,
    persons: &std::collections::HashMap<&str, Uuid>,
) -> Result<()> {
    let mut offers = std::collections::HashMap::new();
    for o in OFFERS {
        let ctx = store.login_context_for(&email_of(o.siae)).await?;
        let fields = OfferInput {
            title: o.title.into(),
            rome_code: Some(o.rome_code.into()),
            place: o.place.into(),
            weekly_hours: Some(o.weekly_hours),
            positions: o.positions,
            prerequisites: Some(o.prerequisites.into()),
            ..Default::default()
        }
        .validate(crate::today())?;
        let offer = store.create_offer(&ctx, ids[o.siae], fields, None).await?;
        if !o.open {
            store.set_offer_open(&ctx, offer.id, false).await?;
        }
        offers.entry(o.siae).or_insert(offer.id);
    }
    for DemoPrescription {
        person,
        prescriber,
        siae,
        criteria,
        steps,
    } in PRESCRIPTIONS
    {
        let ctx = store.login_context_for(&email_of(prescriber)).await?;
        let kind = if *siae == "ei-recyclage" {
            SiaeKind::Ei
        } else {
            SiaeKind::Aci
        };
        store
            .create_diagnosis(&ctx, ids[prescriber], persons[person], kind, criteria.to_vec(), None)
            .await?;
        let new = NewPrescription {
            prescriber_id: ids[prescriber],
            person_id: persons[person],
            siae_id: ids[siae],
            offer_id: offers.get(siae).copied(),
            diagnosis_id: None,
            message: "Candidature préparée avec la personne : motivée et disponible.".into(),
            person_consent: true,
            waiting_period_waived: false,
        };
        let p = store.create_prescription(&ctx, new, None).await?;
        let siae_ctx = store.login_context_for(&email_of(siae)).await?;
        for (status, date) in steps.iter() {
            let input = StepInput {
                status: status.to_string(),
                date: *date,
                ..Default::default()
            };
            store.add_referral_step(&siae_ctx, p.id, &input, None).await?;
        }
    }
    Ok(())
}

fn fold_ascii(s: &str) -> String {
    passerelle_domain::text::fold(s).replace(' ', "-")
}

/// The demo accounts, as `passerelle demo --print-accounts` prints them.
pub fn accounts() -> Vec<DemoAccount> {
    let mut out: Vec<DemoAccount> = ORGANISATIONS
        .iter()
        .map(|o| DemoAccount {
            email: email_of(o.key),
            password: DEMO_PASSWORD.into(),
            organisation: o.name.into(),
            kind: o.kind.into(),
        })
        .collect();
    out.push(DemoAccount {
        email: ADMIN_EMAIL.into(),
        password: DEMO_PASSWORD.into(),
        organisation: "Administration de la plateforme".into(),
        kind: "platform_admin".into(),
    });
    let scheme = ORGANISATIONS.iter().find(|o| o.key == "dea-21").map_or("", |o| o.name);
    out.extend(supported::accounts(scheme));
    out
}
