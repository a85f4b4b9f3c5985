//! The directory in the data·inclusion format, checked against the schema's own JSON Schema files (schema 1.0.x,
//! `../shared/data/data-inclusion/schemas/v1`): every structure the demo exports validates, a file valid against
//! the schema imports, and what it gives back validates again. Passerelle exports no services.

use std::path::{Path, PathBuf};

use jsonschema::{Retrieve, Uri, Validator};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::directory::data_inclusion::{self, Format, Structure};
use passerelle_store::Store;
use serde_json::{Value, json};

use crate::{postgres_demo, postgres_store, sqlite_demo, sqlite_store};

/// The folder of `structure.json`, `service.json` and `extra/`, beside the repository.
fn schema_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/data-inclusion/schemas/v1");
    assert!(
        dir.join("structure.json").is_file(),
        "the data·inclusion JSON Schema files are missing: expected {} (the shared folder beside the repository)",
        dir.display()
    );
    dir.canonicalize().expect("the schema folder has a path")
}

/// Resolves the schema's relative references (`extra/...`) from the files on disk, never from the network.
struct SchemaFiles(PathBuf);

impl Retrieve for SchemaFiles {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = Path::new(uri.path().as_str()).to_path_buf();
        if uri.scheme().as_str() != "file" || !path.starts_with(&self.0) {
            return Err(format!("{uri} is not a file of the data·inclusion schema").into());
        }
        Ok(serde_json::from_slice(&std::fs::read(&path)?)?)
    }
}

/// The validator of one of the schema's models (`structure.json`), formats (date, email, uri) checked.
fn validator(model: &str) -> Validator {
    let dir = schema_dir();
    let path = dir.join(model);
    let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).expect("the schema is JSON");
    jsonschema::options()
        .with_base_uri(format!("file://{}", path.display()))
        .with_retriever(SchemaFiles(dir))
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{model} compiles: {e}"))
}

/// Every schema error of every structure of a JSON structures file, with the structure's id.
fn schema_errors(validator: &Validator, file: &[u8]) -> Vec<String> {
    let structures: Vec<Value> = serde_json::from_slice(file).expect("a JSON array");
    assert!(!structures.is_empty(), "an empty file proves nothing");
    structures
        .iter()
        .flat_map(|s| {
            validator
                .iter_errors(s)
                .map(move |e| format!("{} ({}): {e}", s["id"], e.instance_path()))
        })
        .collect()
}

async fn export(store: &Store) -> Vec<Structure> {
    let ctx = store.operator_context("export data·inclusion");
    store.export_structures(&ctx).await.unwrap()
}

async fn the_demo_export_follows_the_schema(store: Store) {
    // A name longer than the schema takes (150 characters) and a description shorter (5): the export fits them.
    let ctx = store.operator_context("directory");
    let covering = store
        .all_organisations(&ctx)
        .await
        .unwrap()
        .into_iter()
        .find(|o| !o.territories.is_empty())
        .expect("an organisation covers other departments");
    let mut input = covering.to_input();
    input.name = format!("{} {}", covering.name, "pour l'inclusion dans l'emploi ".repeat(4))
        .trim()
        .to_owned();
    input.description = Some("BFC".into());
    assert!(input.name.chars().count() > 150);
    let covering = store
        .update_organisation(&ctx, covering.id, input.validate().unwrap(), covering.parent_id)
        .await
        .unwrap();
    let structures = export(&store).await;
    let file = data_inclusion::write(&structures, Format::Json);
    let errors = schema_errors(&validator("structure.json"), &file);
    assert!(errors.is_empty(), "{} errors:\n{}", errors.len(), errors.join("\n"));

    // Schema 1.0 names each kind of SIAE; the ESAT carries its network and its FINESS number.
    let of_kind = |kind: OrganisationKind| {
        structures
            .iter()
            .filter(move |s| s.passerelle_kind == Some(kind))
            .collect::<Vec<_>>()
    };
    let aci = of_kind(OrganisationKind::Aci);
    assert!(!aci.is_empty());
    assert!(aci.iter().all(|s| s.reseaux_porteurs == ["aci"]));
    assert!(
        structures
            .iter()
            .all(|s| !s.reseaux_porteurs.contains(&"siae".to_owned()))
    );
    let esat = of_kind(OrganisationKind::Esat);
    assert_eq!(esat.len(), 2);
    for s in esat {
        assert_eq!(s.reseaux_porteurs, ["esat"]);
        let finess = s.finess.as_deref().expect("a demo ESAT has a FINESS number");
        assert!(finess.starts_with("21") && finess.len() == 9, "{finess}");
    }

    // The same file imported back changes nothing: every structure is found again by its (source, id), and what
    // the format does not hold (the departments covered) or the export shortened stays as it was.
    let rows: Vec<_> = data_inclusion::parse(&file, Format::Json)
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e:?}")))
        .collect();
    let ctx = store.operator_context("import data·inclusion");
    let report = store.import_structures(&ctx, &rows, |_| {}).await.unwrap();
    assert_eq!((report.created, report.updated, report.unchanged), (0, 0, rows.len()));
    assert_eq!(export(&store).await.len(), structures.len());
    assert_eq!(store.organisation(&ctx, covering.id).await.unwrap(), covering);
}

#[tokio::test]
async fn the_demo_export_follows_the_schema_on_sqlite() {
    the_demo_export_follows_the_schema(sqlite_demo().await).await;
}

#[tokio::test]
async fn the_demo_export_follows_the_schema_on_postgres() {
    the_demo_export_follows_the_schema(postgres_demo().await).await;
}

/// Structures as another producer publishes them under schema 1.0: networks, no typology, no Passerelle field.
fn producer_file() -> Vec<u8> {
    serde_json::to_vec(&json!([
        {
            "source": "dora",
            "id": "dora--etti-21",
            "nom": "Intérim Solidaire de l'Auxois",
            "date_maj": "2026-04-27",
            "description": "Entreprise de travail temporaire d'insertion.",
            "commune": "Semur-en-Auxois",
            "code_postal": "21140",
            "code_insee": "21603",
            "siret": "13000548100010",
            "courriel": "agence@interim-auxois.example",
            "site_web": "https://interim-auxois.example",
            "telephone": "+33380000000",
            "reseaux_porteurs": ["etti"],
        },
        {
            "source": "finess",
            "id": "finess--210555550",
            "nom": "ESAT du Châtillonnais",
            "date_maj": "2026-03-02",
            "commune": "Châtillon-sur-Seine",
            "code_postal": "21400",
            "reseaux_porteurs": ["esat"],
            "finess": "21 055 555 0",
        },
    ]))
    .unwrap()
}

async fn a_file_valid_against_the_schema_imports(store: Store) {
    let validator = validator("structure.json");
    let file = producer_file();
    assert_eq!(schema_errors(&validator, &file), Vec::<String>::new());

    let rows: Vec<_> = data_inclusion::parse(&file, Format::Json)
        .unwrap()
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e:?}")))
        .collect();
    let ctx = store.operator_context("import data·inclusion");
    let report = store.import_structures(&ctx, &rows, |_| {}).await.unwrap();
    assert_eq!(report.created, 2);

    let exported = export(&store).await;
    let errors = schema_errors(&validator, &data_inclusion::write(&exported, Format::Json));
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let find = |id: &str| {
        exported
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("{id} exported"))
    };
    let etti = find("dora--etti-21");
    assert_eq!(
        (
            etti.source.as_str(),
            etti.passerelle_kind,
            etti.reseaux_porteurs.as_slice()
        ),
        ("dora", Some(OrganisationKind::Etti), ["etti".to_owned()].as_slice())
    );
    let esat = find("finess--210555550");
    assert_eq!(esat.passerelle_kind, Some(OrganisationKind::Esat));
    assert_eq!(esat.finess.as_deref(), Some("210555550"));
}

#[tokio::test]
async fn a_file_valid_against_the_schema_imports_on_sqlite() {
    a_file_valid_against_the_schema_imports(sqlite_store().await).await;
}

#[tokio::test]
async fn a_file_valid_against_the_schema_imports_on_postgres() {
    a_file_valid_against_the_schema_imports(postgres_store().await).await;
}
