//! Immersions (PMSMP, période de mise en situation en milieu professionnel; L5135-1 ff., RULES.md 2): the
//! convention, its duration rules and its life cycle.

pub mod aided;
pub mod convention;
pub mod duration;
pub mod lifecycle;
pub mod signatories;

pub use aided::{AidedContract, AidedContractInput, AidedContractKind};
pub use convention::{ConventionFields, ConventionInput, Schedule};
pub use duration::{PastImmersion, check_duration};
pub use lifecycle::{Assessment, Party, Status, Step, reminders};
pub use signatories::Roles;

use serde::{Deserialize, Serialize};

labelled_codes! {
    /// The object of an immersion: one among three (L5135-1).
    Objective as ImmersionObjective {
        DiscoverTrade => "discover_trade", "Découvrir un métier ou un secteur d'activité";
        ConfirmProject => "confirm_project", "Confirmer un projet professionnel";
        StartRecruitment => "start_recruitment", "Initier une démarche de recrutement";
    }
}

labelled_codes! {
    /// The contract a person was hired on at the end of an immersion.
    ContractKind as ImmersionContractKind {
        Cdi => "cdi", "CDI";
        Cdd => "cdd", "CDD";
        Interim => "interim", "Intérim";
        Apprenticeship => "apprenticeship", "Contrat d'apprentissage ou de professionnalisation";
        Iae => "iae", "Contrat dans une structure d'insertion (IAE)";
        Esat => "esat", "Contrat d'accompagnement par le travail en ESAT";
        Other => "other", "Autre contrat";
    }
}
