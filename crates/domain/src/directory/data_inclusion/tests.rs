//! The data·inclusion format read, written and read back, from the example files and the schema's cases.

use super::*;
use crate::directory::finess::holds_finess;
use crate::directory::{Finess, OrganisationFields};
use serde_json::{Value, json};
use time::macros::date;

const EXAMPLE_JSON: &str = include_str!("../../../../../docs/examples/structures.json");
const EXAMPLE_CSV: &str = include_str!("../../../../../docs/examples/structures.csv");

/// What an import row amounts to, comparable.
fn imported(row: &ImportRow) -> (usize, String, String, OrganisationFields) {
    let fields = row.organisation.validate().unwrap();
    (row.row, row.source.clone(), row.external_id.clone(), fields)
}

fn all_ok(bytes: &[u8], format: Format) -> Vec<ImportRow> {
    parse(bytes, format)
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e:?}")))
        .collect()
}

fn structures(bytes: &[u8], format: Format) -> Vec<Structure> {
    read(bytes, format).unwrap().into_iter().map(Result::unwrap).collect()
}

/// A valid v1 structure, changed by `changes` (a `null` removes a field).
fn one(changes: Value) -> Value {
    let mut s = json!({
        "source": "dora",
        "id": "s-1",
        "nom": "Les Jardins de l'Ouche",
        "description": "Atelier et chantier d'insertion en maraîchage biologique, à Dijon.",
        "date_maj": "2025-02-14",
        "siret": "13000548100010",
        "commune": "Dijon",
        "code_postal": "21000",
        "typologie": "ACI",
    });
    if let (Value::Object(s), Value::Object(changes)) = (&mut s, changes) {
        for (k, v) in changes {
            if v.is_null() {
                s.remove(&k);
            } else {
                s.insert(k, v);
            }
        }
    }
    s
}

fn json_file(rows: &[Value]) -> Vec<u8> {
    serde_json::to_vec(rows).unwrap()
}

/// The error of the only row of a one-structure JSON file.
fn row_error(changes: Value) -> RowError {
    let mut rows = parse(&json_file(&[one(changes)]), Format::Json).unwrap();
    rows.pop().unwrap().unwrap_err()
}

#[test]
fn the_example_files_import_whole_and_alike() {
    let from_json = all_ok(EXAMPLE_JSON.as_bytes(), Format::Json);
    let from_csv = all_ok(EXAMPLE_CSV.as_bytes(), Format::Csv);
    assert_eq!(from_json.len(), 17);
    let json: Vec<_> = from_json.iter().map(imported).collect();
    let csv: Vec<_> = from_csv.iter().map(imported).collect();
    assert_eq!(json, csv);
    assert!(json.iter().all(|(_, _, _, org)| org.department == "21"));
    let kinds: Vec<_> = json.iter().map(|(_, _, _, org)| org.kind).collect();
    for kind in [
        OrganisationKind::Aci,
        OrganisationKind::Ei,
        OrganisationKind::Ai,
        OrganisationKind::Etti,
        OrganisationKind::Geiq,
        OrganisationKind::AdaptedCompany,
        OrganisationKind::Esat,
        OrganisationKind::SupportedEmployment,
        OrganisationKind::FranceTravailAgency,
        OrganisationKind::CapEmploi,
        OrganisationKind::MissionLocale,
        OrganisationKind::Mdph,
        OrganisationKind::DepartmentalCouncil,
        OrganisationKind::Ddets,
        OrganisationKind::IaeNetwork,
        OrganisationKind::Employer,
    ] {
        assert!(kinds.contains(&kind), "{kind:?}");
    }
    let (row, source, id, ei) = &json[1];
    assert_eq!(
        (*row, source.as_str(), id.as_str()),
        (2, "exemple-cote-dor", "ei-batir-ensemble")
    );
    assert_eq!(ei.address_line.as_deref(), Some("4 avenue Roland Carraz, Bâtiment B"));
    assert_eq!(ei.commune_code.as_deref(), Some("21166"));
}

#[test]
fn the_example_files_are_what_the_export_writes() {
    let from_json = structures(EXAMPLE_JSON.as_bytes(), Format::Json);
    assert_eq!(from_json, structures(EXAMPLE_CSV.as_bytes(), Format::Csv));
    assert_eq!(
        String::from_utf8(write(&from_json, Format::Json)).unwrap(),
        EXAMPLE_JSON
    );
    assert_eq!(String::from_utf8(write(&from_json, Format::Csv)).unwrap(), EXAMPLE_CSV);
}

fn exported(kind: OrganisationKind) -> Structure {
    Structure::from_organisation(&ExportedOrganisation {
        source: "passerelle",
        id: kind.code(),
        name: "Atelier « La Navette », Dijon",
        kind,
        siret: Some("13000548100010"),
        finess: holds_finess(kind).then_some("210012345"),
        address_line: Some("2 rue de l'Île, bâtiment A"),
        postal_code: Some("21000"),
        commune: "Dijon",
        commune_code: Some("21231"),
        phone: Some("03 53 48 10 01"),
        email: Some("accueil@navette.example"),
        website: Some("https://navette.example/?a=1,b=2"),
        description: Some("Première ligne, avec des virgules ; des \"guillemets\"\net une seconde ligne."),
        updated_on: date!(2025 - 03 - 14),
    })
}

#[test]
fn every_kind_survives_an_export_and_a_reimport() {
    for format in [Format::Json, Format::Csv] {
        let written: Vec<Structure> = OrganisationKind::ALL.iter().map(|k| exported(*k)).collect();
        let bytes = write(&written, format);
        assert_eq!(structures(&bytes, format), written, "{format:?}");
        let rows = all_ok(&bytes, format);
        for (row, kind) in rows.iter().zip(OrganisationKind::ALL) {
            let org = row.organisation.validate().unwrap();
            assert_eq!(org.kind, *kind, "{format:?}");
            assert_eq!(org.name, "Atelier « La Navette », Dijon");
            assert_eq!(org.address_line.as_deref(), Some("2 rue de l'Île, bâtiment A"));
            assert_eq!(org.website.as_deref(), Some("https://navette.example/?a=1,b=2"));
            assert_eq!(
                org.description.as_deref(),
                Some("Première ligne, avec des virgules ; des \"guillemets\"\net une seconde ligne.")
            );
            assert_eq!((org.department, row.source.as_str()), ("21", "passerelle"));
            let finess = org.finess.as_ref().map(Finess::as_str);
            assert_eq!(finess, holds_finess(*kind).then_some("210012345"), "{kind:?}");
        }
    }
}

#[test]
fn typologies_map_to_kinds() {
    let cases: &[(Value, OrganisationKind)] = &[
        (json!({}), OrganisationKind::Aci),
        (json!({"typologie": "aci"}), OrganisationKind::Aci),
        (json!({"typologie": "ACIPHC"}), OrganisationKind::Aci),
        (json!({"typologie": "PE"}), OrganisationKind::FranceTravailAgency),
        (json!({"typologie": "FT"}), OrganisationKind::FranceTravailAgency),
        (json!({"typologie": "ML"}), OrganisationKind::MissionLocale),
        (json!({"typologie": "CCAS"}), OrganisationKind::Other),
        (json!({"typologie": "INCONNUE"}), OrganisationKind::Other),
        (json!({"typologie": null}), OrganisationKind::Other),
        (json!({"typologie": ""}), OrganisationKind::Other),
        // v1 has networks instead of a typology: only the unambiguous ones tell a kind.
        (
            json!({"typologie": null, "reseaux_porteurs": ["siae"]}),
            OrganisationKind::Other,
        ),
        (
            json!({"typologie": null, "reseaux_porteurs": ["ccas-cias", "mission-locale"]}),
            OrganisationKind::MissionLocale,
        ),
        (json!({"reseaux_porteurs": ["mission-locale"]}), OrganisationKind::Aci),
        // Schema 1.0 names each kind of SIAE, the ESAT, the EA and the MDPH.
        (
            json!({"typologie": null, "reseaux_porteurs": ["etti"]}),
            OrganisationKind::Etti,
        ),
        (
            json!({"typologie": null, "reseaux_porteurs": ["eiti"]}),
            OrganisationKind::Eiti,
        ),
        (
            json!({"typologie": null, "reseaux_porteurs": ["esat"]}),
            OrganisationKind::Esat,
        ),
        (
            json!({"typologie": null, "reseaux_porteurs": ["eatt"]}),
            OrganisationKind::AdaptedCompany,
        ),
        (
            json!({"typologie": null, "reseaux_porteurs": ["mdph"]}),
            OrganisationKind::Mdph,
        ),
        (
            json!({"typologie": null, "reseaux_porteurs": ["regions"]}),
            OrganisationKind::Other,
        ),
        // Passerelle's own kind, while the typology agrees with it.
        (
            json!({"typologie": "Autre", "passerelle_kind": "esat"}),
            OrganisationKind::Esat,
        ),
        (
            json!({"typologie": null, "passerelle_kind": "esat"}),
            OrganisationKind::Esat,
        ),
        (
            json!({"typologie": "FT", "passerelle_kind": "france_travail_regional"}),
            OrganisationKind::FranceTravailRegional,
        ),
        // The Team TH (seed 000, question 4) is exported as France Travail with both SPE networks, and comes back.
        (
            json!({"typologie": "FT", "passerelle_kind": "th_team", "reseaux_porteurs": ["france-travail", "cap-emploi-reseau-cheops"]}),
            OrganisationKind::ThTeam,
        ),
        (
            json!({"typologie": "FT", "reseaux_porteurs": ["france-travail", "cap-emploi-reseau-cheops"]}),
            OrganisationKind::FranceTravailAgency,
        ),
        // Supported-employment partners (seed 003): no typology of their own, Passerelle's kind says it.
        (
            json!({"typologie": "Autre", "passerelle_kind": "savs"}),
            OrganisationKind::Savs,
        ),
        (
            json!({"typologie": "Autre", "passerelle_kind": "samsah"}),
            OrganisationKind::Samsah,
        ),
        (
            json!({"typologie": "Autre", "passerelle_kind": "psychiatric_rehabilitation"}),
            OrganisationKind::PsychiatricRehabilitation,
        ),
        // A typology corrected by hand wins over a stale Passerelle kind.
        (
            json!({"typologie": "EI", "passerelle_kind": "aci"}),
            OrganisationKind::Ei,
        ),
        // A kind this version does not know falls back on the typology.
        (json!({"passerelle_kind": "kind_of_the_future"}), OrganisationKind::Aci),
    ];
    for (changes, kind) in cases {
        let rows = all_ok(&json_file(&[one(changes.clone())]), Format::Json);
        assert_eq!(rows[0].organisation.kind, kind.code(), "{changes}");
    }
    for kind in OrganisationKind::ALL {
        let typologie = typologie_of_kind(*kind);
        match kind_of_typologie(typologie) {
            Some(back) => assert_eq!(typologie_of_kind(back), typologie),
            None => assert_eq!(typologie, "Autre", "{kind:?}"),
        }
    }
}

#[test]
fn a_file_that_cannot_be_read_is_refused_whole() {
    let cases: &[(&[u8], Format, &str)] = &[
        (
            b"[\n  {\"id\": \"1\",\n   \"source\" \"dora\"}\n]",
            Format::Json,
            "ligne 3, colonne 13",
        ),
        (
            b"{\"id\": \"1\", \"source\": \"dora\", \"nom\": \"ACI\"}",
            Format::Json,
            "liste de structures",
        ),
        (b"", Format::Json, "ligne 1"),
        (b"[{\"nom\": \"Caf\xe9 solidaire\"}]", Format::Json, "UTF-8 (ligne 1)"),
        (b"source,id,nom\ndora,1,Caf\xe9\n", Format::Csv, "UTF-8 (ligne 2)"),
        (b"source,nom,commune\ndora,ACI,Dijon\n", Format::Csv, "« id » manque"),
        (b"", Format::Csv, "« source » manque"),
        (
            b"source,id,nom,id\ndora,1,ACI,2\n",
            Format::Csv,
            "« id » apparaît deux fois",
        ),
        (
            b"source,id,nom\ndora,1,ACI\ndora,2,EI,en trop\n",
            Format::Csv,
            "enregistrement n° 2 (ligne 3) : 4 colonnes au lieu des 3",
        ),
    ];
    for (bytes, format, place) in cases {
        let e = parse(bytes, *format).unwrap_err();
        assert_eq!(e.code, "file_malformed");
        assert!(e.message.contains(place), "{}", e.message);
    }
}

#[test]
fn a_bad_row_is_refused_alone() {
    let cases: &[(Value, &str, Option<&str>)] = &[
        (json!({"id": null}), "field_required", Some("id")),
        (json!({"id": "  "}), "field_required", Some("id")),
        (json!({"source": null}), "field_required", Some("source")),
        (json!({"nom": null}), "field_required", Some("nom")),
        (json!({"nom": 12}), "field_type", Some("nom")),
        (json!({"id": 17}), "field_type", Some("id")),
        (json!({"latitude": "47.3"}), "field_type", Some("latitude")),
        (json!({"latitude": 147.3}), "coordinates_invalid", Some("latitude")),
        (
            json!({"reseaux_porteurs": "siae"}),
            "field_type",
            Some("reseaux_porteurs"),
        ),
        (json!({"reseaux_porteurs": [1]}), "field_type", Some("reseaux_porteurs")),
        (json!({"date_maj": "14/02/2025"}), "date_invalid", Some("date_maj")),
        (json!({"date_maj": "2025-02-30"}), "date_invalid", Some("date_maj")),
        (json!({"date_maj": "2025"}), "date_invalid", Some("date_maj")),
        (json!({"siret": "13000548100011"}), "siret_invalid", Some("siret")),
        (
            json!({"code_postal": "99000"}),
            "postal_code_invalid",
            Some("code_postal"),
        ),
        (
            json!({"code_postal": "2100"}),
            "postal_code_invalid",
            Some("code_postal"),
        ),
        (json!({"code_postal": null}), "location_missing", Some("code_postal")),
        (json!({"code_insee": "99134"}), "department_unknown", Some("code_insee")),
        (
            json!({"code_insee": "2C004"}),
            "commune_code_invalid",
            Some("code_insee"),
        ),
        (json!({"commune": null}), "field_required", Some("commune")),
        (json!({"nom": "x".repeat(201)}), "field_too_long", Some("nom")),
        (
            json!({"courriel": "accueil-at-example"}),
            "email_invalid",
            Some("courriel"),
        ),
        (json!({"telephone": "12"}), "phone_invalid", Some("telephone")),
        (
            json!({"site_web": "javascript:alert(1)"}),
            "website_invalid",
            Some("site_web"),
        ),
        (
            json!({"typologie": "Autre", "passerelle_kind": "esat", "finess": "21001234"}),
            "finess_invalid",
            Some("finess"),
        ),
        // An ACI is no establishment of the FINESS file.
        (json!({"finess": "210012345"}), "finess_invalid", Some("finess")),
    ];
    for (changes, code, field) in cases {
        let good = one(json!({"id": "good"}));
        let rows = parse(&json_file(&[good.clone(), one(changes.clone()), good]), Format::Json).unwrap();
        assert!(rows[0].is_ok());
        let e = rows[1].as_ref().unwrap_err();
        assert_eq!((e.row, e.code, e.field.as_deref()), (2, *code, *field), "{changes}");
        assert!(!e.message.is_empty());
        // The third row repeats the first: only it is refused as a duplicate.
        assert_eq!(rows[2].as_ref().unwrap_err().code, "structure_duplicate");
    }
    let e = row_error(json!({"siret": "123"}));
    assert_eq!(e.message, "Le SIRET « 123 » doit comporter 14 chiffres.");
    let rows = parse(b"[{\"id\": \"1\"}, 42, []]", Format::Json).unwrap();
    assert_eq!(rows[1].as_ref().unwrap_err().code, "structure_not_object");
    assert_eq!(rows[2].as_ref().unwrap_err().row, 3);
}

#[test]
fn csv_rows_number_data_records() {
    let csv = "source,id,nom,commune,code_postal,siret\n\
               dora,1,ACI Dijon,Dijon,21000,\n\
               dora,2,\"EI, Beaune\",Beaune,21200,13000548100011\n\
               dora,,Sans identifiant,Dijon,21000,\n";
    let rows = parse(csv.as_bytes(), Format::Csv).unwrap();
    assert_eq!(rows[0].as_ref().unwrap().row, 1);
    let e = rows[1].as_ref().unwrap_err();
    assert_eq!((e.row, e.code, e.field.as_deref()), (2, "siret_invalid", Some("siret")));
    let e = rows[2].as_ref().unwrap_err();
    assert_eq!((e.row, e.code, e.field.as_deref()), (3, "field_required", Some("id")));
}

#[test]
fn spreadsheet_csv_is_understood() {
    // Excel in French: byte-order mark, semicolons, decimal commas, CRLF, accents.
    let csv = "\u{feff}source;id;nom;commune;code_postal;longitude;latitude;reseaux_porteurs;typologie\r\n\
               cd21;7;Mission locale de Chenôve;Chenôve;21300;5,0049;47,2923;mission-locale, siae;\r\n";
    let s = structures(csv.as_bytes(), Format::Csv).remove(0);
    assert_eq!((s.longitude, s.latitude), (Some(5.0049), Some(47.2923)));
    assert_eq!(s.reseaux_porteurs, ["mission-locale", "siae"]);
    assert_eq!(s.typologie, None);
    assert_eq!(s.kind(), OrganisationKind::MissionLocale);
    assert_eq!(s.nom, "Mission locale de Chenôve");
}

#[test]
fn older_and_newer_producers_are_understood() {
    let row = one(json!({
        // v0 fields
        "description": null,
        "presentation_resume": "Chantier d'insertion.",
        "presentation_detail": "Maraîchage et vente de paniers.",
        "horaires_ouverture": "Mo-Fr 09:00-17:00",
        "date_maj": "2025-02-14T09:30:00+01:00",
        "antenne": false,
        "labels_nationaux": ["coorace"],
        // fields this version does not know
        "original_id": "1",
        "score_qualite": 0.8,
        "extension": {"a": [1, 2]},
        // Corsica and overseas: the INSEE code gives the department.
        "code_postal": "20000",
        "code_insee": "2A004",
        "complement_adresse": "Bâtiment B",
        "adresse": "1 cours Napoléon",
    }));
    let s = structures(&json_file(std::slice::from_ref(&row)), Format::Json).remove(0);
    assert_eq!(
        s.description.as_deref(),
        Some("Chantier d'insertion.\n\nMaraîchage et vente de paniers.")
    );
    assert_eq!(s.horaires_accueil.as_deref(), Some("Mo-Fr 09:00-17:00"));
    assert_eq!(s.date_maj, Some(date!(2025 - 02 - 14)));
    let org = all_ok(&json_file(&[row]), Format::Json)[0]
        .organisation
        .validate()
        .unwrap();
    assert_eq!(org.department, "2A");
    assert_eq!(org.address_line.as_deref(), Some("1 cours Napoléon, Bâtiment B"));
    let reunion = one(json!({"code_postal": "97400", "code_insee": "97411", "commune": "Saint-Denis"}));
    let org = all_ok(&json_file(&[reunion]), Format::Json)[0]
        .organisation
        .validate()
        .unwrap();
    assert_eq!(org.department, "974");
}

#[test]
fn truncated_or_damaged_files_never_panic() {
    for (text, format) in [(EXAMPLE_JSON, Format::Json), (EXAMPLE_CSV, Format::Csv)] {
        let bytes = text.as_bytes();
        for end in (0..bytes.len()).step_by(97) {
            let _ = parse(&bytes[..end], format);
            let mut damaged = bytes.to_vec();
            damaged[end] = [b'"', b',', b';', b'\n', 0xc3, b'0'][end % 6];
            let _ = parse(&damaged, format);
        }
    }
}

#[test]
fn formats_from_file_names() {
    assert_eq!(Format::from_file_name("structures.JSON"), Some(Format::Json));
    assert_eq!(Format::from_file_name("export.2025.csv"), Some(Format::Csv));
    assert_eq!(Format::from_file_name("structures.xlsx"), None);
    assert_eq!(Format::from_file_name("structures"), None);
}

/// Schema 1.0 takes names of 3 to 150 characters (`structure.json`, `nom`); the directory takes up to 200.
#[test]
fn names_fit_the_schema() {
    assert_eq!(exported_name("ESAT de Beaune", "Beaune"), "ESAT de Beaune");
    assert_eq!(exported_name("AB", "Dijon"), "AB (Dijon)");
    let long = format!(
        "Association {}",
        "pour l'insertion par l'activité économique ".repeat(5)
    );
    let name = exported_name(long.trim(), "Dijon");
    assert!(name.chars().count() <= 150, "{name}");
    let kept = name.strip_suffix('…').expect("marked as cut");
    assert!(long.starts_with(&format!("{kept} ")), "cut after a word: {name}");
    let unbroken = "X".repeat(180);
    assert_eq!(exported_name(&unbroken, "Dijon").chars().count(), 150);
}

/// Importing what Passerelle exported changes nothing: the departments covered (not in the format), a name the
/// export shortened and a description it left out stay as the directory has them; a real change is taken.
#[test]
fn an_import_keeps_what_the_format_drops() {
    let existing = OrganisationInput {
        name: format!(
            "Direction régionale {}",
            "de l'économie, de l'emploi, du travail et des solidarités ".repeat(3)
        ),
        commune: "Dijon".into(),
        description: Some("BFC".into()),
        territories: vec!["21".into(), "58".into()],
        ..OrganisationInput::default()
    };
    let mut imported = OrganisationInput {
        name: exported_name(&existing.name, "Dijon"),
        commune: "Dijon".into(),
        ..OrganisationInput::default()
    };
    let kept = kept_on_import(&existing, imported.clone());
    assert_eq!(
        (kept.name, kept.description, kept.territories),
        (
            existing.name.clone(),
            existing.description.clone(),
            existing.territories.clone()
        )
    );
    imported.name = "DREETS Bourgogne-Franche-Comté".into();
    imported.description = Some("Services de l'État en région".into());
    let changed = kept_on_import(&existing, imported);
    assert_eq!(changed.name, "DREETS Bourgogne-Franche-Comté");
    assert_eq!(changed.description.as_deref(), Some("Services de l'État en région"));
    assert_eq!(changed.territories, existing.territories);
}
