//! The declared indicators: what each counts, in which unit, from which recorded facts, along which
//! dimensions. Sources: Accord régional BFC 2016 (regional agreement, Annex 1), Journées nationales de l'emploi accompagné 2020 (supported employment figures),
//! the IAE pathways and, for an ESAT-SPE convention's quantified targets (Questions incontournables ESAT – SPE, question 12),
//! the ESAT pathways. Every source is recorded today; a future indicator whose facts are not recorded
//! yet is declared with its source left out of `Source::is_recorded`, and the store answers « source à venir »
//! for it until the source's facts are wired (docs/indicators.md, « Sources à venir »).

use super::dimension::Dimension;
use serde::{Deserialize, Serialize};

labelled_codes! {
    /// Stable code of an indicator (API, exports, the `indicator` column of the facts).
    IndicatorCode {
        SpeReferentShare => "spe_referent_share", "Part des SIAE ayant un référent SPE désigné";
        SpeSiaeSessions => "spe_siae_sessions", "Sessions d'échange entre le SPE et les SIAE";
        OffersDeposited => "offers_deposited", "Offres d'emploi des SIAE déposées";
        ApprovalRefusals => "approval_refusals", "Refus d'agrément";
        CandidatesOriented => "candidates_oriented", "Candidats orientés par France Travail (ex-Pôle emploi)";
        Hirings => "hirings", "Embauches en parcours IAE";
        HiringRefusals => "hiring_refusals", "Refus d'embauche par les SIAE";
        SpeRegisteredShare => "spe_registered_share", "Part des personnes en parcours inscrites au SPE";
        SpeServices => "spe_services", "Prestations du SPE mises en œuvre";
        Immersions => "immersions", "Périodes de mise en situation en milieu professionnel (PMSMP)";
        Prolongations => "prolongations", "Prolongations d'agrément";
        Suspensions => "suspensions", "Suspensions d'agrément";
        Extensions => "extensions", "Extensions d'agrément ou de PASS IAE à une autre SIAE";
        LocalConventionsShare => "local_conventions_share", "Part des SIAE couvertes par une convention locale signée";
        TrainingHours => "training_hours", "Heures de formation pendant le parcours";
        Trainees => "trainees", "Personnes bénéficiaires d'une formation";
        PreHireTrainings => "pre_hire_trainings", "Préparations opérationnelles à l'emploi (POEC, POEI)";
        SpeRegistered6MonthsShare => "spe_registered_6_months_share", "Part des personnes inscrites au SPE 6 mois après la sortie";
        JobRetentionServices => "job_retention_services", "Prestations de suivi dans l'emploi";
        CtaHeld => "cta_held", "Réunions de CTA tenues";
        CtaMinutesTransmitted => "cta_minutes_transmitted", "Comptes rendus de CTA transmis au CDIAE (commission « inclusion et IAE » depuis le 1er juillet 2024)";
        Exits => "exits", "Sorties de parcours";
        MedianDaysToHiring => "median_days_to_hiring", "Délai médian de la prescription à l'embauche (jours)";
        InterviewsHeld => "interviews_held", "Entretiens tripartites tenus";
        InterviewsOnTimeShare => "interviews_on_time_share", "Part des entretiens tripartites tenus à temps";
        SePeopleAccompanied => "se_people_accompanied", "Personnes accompagnées en emploi accompagné";
        SeEmployersAccompanied => "se_employers_accompanied", "Employeurs accompagnés en emploi accompagné";
        SePeoplePerCounsellor => "se_people_per_counsellor", "Personnes accompagnées par conseiller à temps plein";
        SeInEmploymentShare => "se_in_employment_share", "Part des personnes accompagnées en emploi";
        SeEmployedWithin6MonthsShare => "se_employed_within_6_months_share", "Part des personnes en emploi dans les 6 mois";
        EsatExitsToOrdinaryWork => "esat_exits_to_ordinary_work", "Sorties vers le milieu ordinaire";
        EsatDoubleActivity => "esat_double_activity", "Travailleurs d'ESAT en double activité";
        EsatSupportConventionsConcluded => "esat_support_conventions_concluded", "Conventions d'appui conclues";
        EsatSupportConventionsInForce => "esat_support_conventions_in_force", "Conventions d'appui en vigueur";
        EsatReturns => "esat_returns", "Retours en ESAT au titre du droit au retour";
    }
}

labelled_codes! {
    /// What a value is.
    Unit {
        Count => "count", "nombre";
        Share => "share", "part (%)";
        Median => "median", "médiane";
        Hours => "hours", "heures";
        Ratio => "ratio", "ratio";
    }
}

labelled_codes! {
    /// The groups of indicators: one sheet each in the XLSX export.
    Family {
        Cooperation => "cooperation", "Coopération SPE-SIAE";
        Entry => "entry", "Entrée en parcours";
        Quality => "quality", "Qualité du parcours";
        Training => "training", "Formation";
        Exit => "exit", "Sorties";
        Steering => "steering", "Pilotage (CTA)";
        SupportedEmployment => "supported_employment", "Emploi accompagné";
        Esat => "esat", "Parcours ESAT";
    }
}

labelled_codes! {
    /// Where the facts of an indicator come from.
    Source as IndicatorSource {
        IaePathways => "iae_pathways", "Parcours IAE (prescriptions, fiches navettes, agréments, accompagnement, sorties)";
        Offers => "offers", "Offres d'emploi des SIAE";
        Agreements => "agreements", "Conventions et accords";
        Governance => "governance", "Comités, réunions et actions d'interconnaissance";
        SupportedEmployment => "supported_employment", "Emploi accompagné";
        EsatPathways => "esat_pathways", "Parcours ESAT (situations des travailleurs, conventions d'appui, droit au retour)";
    }
}

impl Source {
    /// Whether the store records this source's facts yet; the others are « source à venir ».
    pub fn is_recorded(self) -> bool {
        matches!(
            self,
            Self::IaePathways
                | Self::Offers
                | Self::Agreements
                | Self::Governance
                | Self::SupportedEmployment
                | Self::EsatPathways
        )
    }
}

/// One declared indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub code: IndicatorCode,
    pub family: Family,
    pub unit: Unit,
    /// What is counted, in French, precise enough to check a figure by hand.
    pub counts: &'static str,
    pub source: Source,
    /// The recorded facts (tables and events) behind the value.
    pub events: &'static str,
    /// Where the definition comes from.
    pub reference: &'static str,
    pub dimensions: &'static [Dimension],
    /// Whether the value counts people, so that small counts are masked.
    pub counts_people: bool,
}

impl Definition {
    pub fn allows(&self, dimension: Dimension) -> bool {
        self.dimensions.contains(&dimension)
    }
}

use Dimension::{Agreement, Department, ExitOutcome, Organisation, Region, SiaeKind};

const SIAE: &[Dimension] = &[Department, Region, Organisation, SiaeKind, Agreement];
const EXITS: &[Dimension] = &[Department, Region, Organisation, SiaeKind, Agreement, ExitOutcome];
const TERRITORY_KIND: &[Dimension] = &[Department, Region, SiaeKind];
const TERRITORY_ORG: &[Dimension] = &[Department, Region, Organisation];
/// An ESAT's figures: its territory, itself, the agreements it is party to (an ESAT-SPE convention's targets).
const ESAT: &[Dimension] = &[Department, Region, Organisation, Agreement];
const ESAT_EXITS: &[Dimension] = &[Department, Region, Organisation, Agreement, ExitOutcome];

macro_rules! definitions {
    ($($code:ident, $family:ident, $unit:ident, $source:ident, $people:literal, $dims:expr, $reference:literal,
       $events:literal, $counts:literal;)*) => {
        /// Every declared indicator, in the order of the tables.
        pub const DEFINITIONS: &[Definition] = &[$(Definition {
            code: IndicatorCode::$code,
            family: Family::$family,
            unit: Unit::$unit,
            counts: $counts,
            source: Source::$source,
            events: $events,
            reference: $reference,
            dimensions: $dims,
            counts_people: $people,
        }),*];
    };
}

definitions! {
    SpeReferentShare, Cooperation, Share, Agreements, false, TERRITORY_KIND, "Accord régional BFC 2016, annexe 1, fiche 2",
        "agreement_parties (convention locale signée dont une agence France Travail, Cap emploi ou mission locale est partie)",
        "SIAE parties à une convention locale signée et en vigueur à la fin de la période dont un organisme du SPE est partie (son référent), rapportées à toutes les SIAE";
    SpeSiaeSessions, Cooperation, Count, Governance, false, TERRITORY_ORG, "Accord régional BFC 2016, annexe 1, fiche 2",
        "mutual_knowledge_actions (création ; structure : l'organisatrice)",
        "Actions d'interconnaissance entre le SPE et les SIAE (visites, webinaires, informations collectives, journées d'immersion, autres) tenues pendant la période";
    OffersDeposited, Entry, Count, Offers, false, SIAE, "Accord régional BFC 2016, annexe 1, fiche 4",
        "job_offers (création)",
        "Offres d'emploi créées par les SIAE pendant la période";
    ApprovalRefusals, Entry, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 4",
        "iae_pathway_events (agrement_decision refusée)",
        "Décisions de refus d'agrément datées dans la période";
    CandidatesOriented, Entry, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 4",
        "prescriptions (création) dont le prescripteur est une agence ou une direction de France Travail",
        "Prescriptions envoyées à une SIAE pendant la période par France Travail (Pôle emploi avant 2024) : ni les auto-prescriptions des SIAE, ni les autres prescripteurs (Accord régional BFC 2016, fiche 4 : « candidats orientés par Pôle emploi »)";
    Hirings, Entry, Count, IaePathways, true, SIAE, "parcours",
        "iae_pathway_events (hiring)",
        "Embauches acceptées par les règles (début de l'agrément ou du PASS IAE) datées dans la période";
    HiringRefusals, Quality, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 5",
        "referral_steps (refused, côté SIAE)",
        "Refus d'embauche enregistrés par les SIAE sur la fiche navette pendant la période";
    SpeRegisteredShare, Quality, Share, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 5",
        "spe_registrations",
        "Parmi les personnes dont l'inscription au SPE a été renseignée pendant la période, part de celles inscrites";
    SpeServices, Quality, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 5",
        "accompaniment_actions (spe_service)",
        "Prestations du SPE commencées pendant la période";
    Immersions, Quality, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 5",
        "accompaniment_actions (immersion) ; immersions (convention PMSMP ayant son bilan, structure d'accompagnement autre qu'une SIAE)",
        "PMSMP commencées pendant la période : à une SIAE, l'action d'accompagnement « immersion » ; ailleurs (ESAT, emploi accompagné…), la convention du module immersions une fois son bilan fait (une convention signée peut encore être annulée) ; une PMSMP n'est ainsi comptée qu'une fois";
    Prolongations, Quality, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 5",
        "iae_pathway_events (prolongation)",
        "Prolongations acceptées qui commencent dans la période";
    Suspensions, Quality, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 5",
        "iae_pathway_events (suspension)",
        "Suspensions acceptées qui commencent dans la période";
    Extensions, Quality, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 5",
        "iae_pathway_events (agrement_request extension jusqu'au 30 novembre 2021 ; hiring dans une autre SIAE ensuite) et obligations (fin du PASS IAE chez l'employeur précédent)",
        "Jusqu'au 30 novembre 2021, demandes d'extension d'agrément à une autre SIAE datées dans la période ; depuis le 1er décembre 2021 (PASS IAE, sans demande), embauches dans une autre SIAE que celle de l'embauche précédente, le PASS IAE n'ayant pas pris fin ce jour-là ; structure : la SIAE qui embauche";
    LocalConventionsShare, Quality, Share, Agreements, false, TERRITORY_KIND, "Accord régional BFC 2016, annexe 1, fiche 5",
        "agreement_parties (convention locale signée)",
        "SIAE parties à une convention locale de coopération signée et en vigueur à la fin de la période, rapportées à toutes les SIAE";
    TrainingHours, Training, Hours, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 6",
        "accompaniment_actions (training, poec, poei, afpr)",
        "Heures des formations commencées pendant la période";
    Trainees, Training, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 6",
        "accompaniment_actions (training, poec, poei, afpr)",
        "Personnes distinctes ayant commencé une formation pendant la période";
    PreHireTrainings, Training, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 7",
        "accompaniment_actions (poec, poei)",
        "Préparations opérationnelles à l'emploi commencées pendant la période";
    SpeRegistered6MonthsShare, Exit, Share, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 7",
        "exit_reviews (suivi à 6 mois)",
        "Parmi les personnes dont le suivi à 6 mois a été fait pendant la période, part de celles inscrites au SPE";
    JobRetentionServices, Exit, Count, SupportedEmployment, true, SIAE, "Accord régional BFC 2016, annexe 1, fiche 7",
        "supported_activities (module d « accompagnement dans l'emploi » ; structure : le dispositif d'emploi accompagné)",
        "Interventions du module « accompagnement dans l'emploi » de l'emploi accompagné (de la personne et de son employeur, RULES.md 4) faites pendant la période";
    CtaHeld, Steering, Count, Governance, false, TERRITORY_ORG, "Accord régional BFC 2016, annexe 1, fiche 8",
        "meetings (statut tenue) des committees de type cta",
        "Réunions de CTA tenues (présences ou compte rendu enregistrés) datées dans la période ; structure : le secrétariat du CTA";
    CtaMinutesTransmitted, Steering, Count, Governance, false, TERRITORY_ORG, "Accord régional BFC 2016, annexe 1, fiche 8",
        "minutes_transmissions d'une réunion de CTA à un comité de type cdiae (jusqu'au 30 juin 2024) ou inclusion_commission (depuis le 1er juillet 2024)",
        "Comptes rendus validés de réunions de CTA transmis pendant la période (date de transmission) au CDIAE jusqu'au 30 juin 2024, à la commission « inclusion et IAE » du comité départemental pour l'emploi depuis le 1er juillet 2024 (décret n° 2024-560) ; structure : le secrétariat du CTA";
    Exits, Exit, Count, IaePathways, true, EXITS, "Accord régional BFC 2016, fiche 7",
        "exit_reviews (bilan de sortie)",
        "Sorties de parcours datées dans la période, par issue (CDI, CDD, formation…)";
    MedianDaysToHiring, Entry, Median, IaePathways, true, SIAE, "parcours",
        "prescriptions et referral_steps (hired)",
        "Médiane, en jours, entre l'envoi de la prescription et l'embauche, pour les embauches dans la période";
    InterviewsHeld, Exit, Count, IaePathways, true, SIAE, "Accord régional BFC 2016, annexe 4",
        "tripartite_interviews",
        "Entretiens tripartites de fin de parcours tenus pendant la période";
    InterviewsOnTimeShare, Exit, Share, IaePathways, true, SIAE, "Accord régional BFC 2016, fiche 7 et annexe 4",
        "tripartite_interviews et obligations (date limite de l'entretien tripartite, moteur d'échéances)",
        "Parmi les personnes dont un entretien tripartite a été tenu pendant la période, part de celles dont l'entretien a été tenu au plus tard à sa date limite : 2 mois avant la fin du contrat ou du PASS IAE, la plus proche, date que le moteur d'échéances avait fixée quand l'entretien a été enregistré (Accord régional BFC 2016 : 2 à 3 mois avant la fin) ; un entretien sans date limite connue (aucune embauche enregistrée) n'est pas compté";
    SePeopleAccompanied, SupportedEmployment, Count, SupportedEmployment, true, TERRITORY_ORG, "Journées de l'emploi accompagné 2020",
        "supported_entries (entrée, sortie)",
        "Personnes distinctes accompagnées par un dispositif d'emploi accompagné à un moment de la période : entrées au plus tard le dernier jour, sorties après le premier (sur un seul jour, le chiffre du tableau de bord des conseillers)";
    SeEmployersAccompanied, SupportedEmployment, Count, SupportedEmployment, true, TERRITORY_ORG, "Journées de l'emploi accompagné 2020",
        "supported_conventions, supported_activities (modules c et d) et supported_jobs : employeur (SIRET, sinon nom)",
        "Employeurs distincts (SIRET, sinon nom) liés aux personnes accompagnées pendant la période par leur convention individuelle, une activité des modules c ou d ou un emploi trouvé, datés entre l'entrée et la fin de la période ; masqué d'après le nombre de personnes derrière ces employeurs";
    SePeoplePerCounsellor, SupportedEmployment, Ratio, SupportedEmployment, true, TERRITORY_ORG, "Journées de l'emploi accompagné 2020",
        "supported_entries et supported_counsellors (temps de travail des conseillers)",
        "Personnes accompagnées pendant la période rapportées aux temps pleins des conseillers des dispositifs (le dernier temps de travail renseigné à la fin de la période, à défaut le premier renseigné ensuite), à une décimale";
    SeInEmploymentShare, SupportedEmployment, Share, SupportedEmployment, true, TERRITORY_ORG, "Journées de l'emploi accompagné 2020",
        "supported_entries et supported_jobs",
        "Parmi les personnes accompagnées pendant la période, part de celles ayant trouvé un emploi avec le dispositif (commencé depuis leur entrée et au plus tard le dernier jour)";
    SeEmployedWithin6MonthsShare, SupportedEmployment, Share, SupportedEmployment, true, TERRITORY_ORG, "Journées de l'emploi accompagné 2020",
        "supported_entries et supported_jobs",
        "Parmi les personnes accompagnées en emploi (indicateur précédent), part de celles dont le premier emploi a commencé dans les 6 mois suivant leur entrée (Journées de l'emploi accompagné 2020 : 55 % pour 50 % en emploi, donc rapporté aux personnes en emploi)";
    EsatExitsToOrdinaryWork, Esat, Count, EsatPathways, true, ESAT_EXITS, "Questions incontournables ESAT – SPE, questions 10 et 12 ; décret n° 2022-1561",
        "esat_situations (passage en situation 3 ou 5 ; issue : la situation d'arrivée)",
        "Passages d'un travailleur d'ESAT à un emploi en milieu ordinaire datés dans la période (date de la nouvelle situation) : entrée en situation 3 (sortie avec convention d'appui) ou 5 (en emploi, maintien) depuis la situation 1, 2 ou 4 ; le passage de 3 à 5 poursuit le même emploi et n'est pas recompté ; un travailleur revenu à l'ESAT puis reparti compte deux fois ; la nature du contrat (CDI, CDD…) n'est pas enregistrée : l'issue est la situation d'arrivée";
    EsatDoubleActivity, Esat, Count, EsatPathways, true, ESAT, "Questions incontournables ESAT – SPE, question 10 ; décret n° 2022-1561",
        "esat_situations (situation 2, jusqu'à la situation suivante)",
        "Travailleurs distincts en double activité (ESAT à temps partiel et emploi en milieu ordinaire, situation 2) au moins un jour de la période : entrés en situation 2 au plus tard le dernier jour, passés à une autre situation après le premier";
    EsatSupportConventionsConcluded, Esat, Count, EsatPathways, true, ESAT, "CASF, art. L344-2-5 ; Questions incontournables ESAT – SPE, question 10",
        "esat_support_conventions (première période)",
        "Conventions d'appui dont la première période commence dans la période (la date de signature n'est pas enregistrée : le début de la convention en tient lieu) ; les renouvellements ne sont pas des conventions nouvelles";
    EsatSupportConventionsInForce, Esat, Count, EsatPathways, true, ESAT, "CASF, art. L344-2-5 ; Questions incontournables ESAT – SPE, question 10",
        "esat_support_conventions (périodes, renouvellements compris)",
        "Conventions d'appui en vigueur au moins un jour de la période (une période, première ou renouvellement, commencée au plus tard le dernier jour et finie au plus tôt le premier) ; une convention renouvelée compte une fois";
    EsatReturns, Esat, Count, EsatPathways, true, ESAT, "CASF, art. L344-2-5 ; décrets n° 2022-1561, 2025-844 et 2025-845",
        "esat_situations (retour : passage d'une situation après la sortie à la situation 1 ou 2)",
        "Retours à l'ESAT au titre du droit au retour datés dans la période (date du retour) : passage d'une situation après la sortie (3, 4 ou 5) à une situation dans l'ESAT, accepté pendant la validité de l'orientation";
}

/// The definition of `code`.
pub fn definition(code: IndicatorCode) -> &'static Definition {
    DEFINITIONS
        .iter()
        .find(|d| d.code == code)
        .expect("every indicator code is declared once")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_declared_exactly_once() {
        for code in IndicatorCode::ALL {
            assert_eq!(
                DEFINITIONS.iter().filter(|d| d.code == *code).count(),
                1,
                "{}",
                code.code()
            );
        }
        assert_eq!(DEFINITIONS.len(), IndicatorCode::ALL.len());
    }

    /// The Annex 1 indicators of Accord régional BFC 2016 and the figures of Journées nationales de l'emploi accompagné 2020.
    #[test]
    fn the_issue_list_is_covered_with_its_sources() {
        let recorded: Vec<&str> = DEFINITIONS
            .iter()
            .filter(|d| d.source.is_recorded())
            .map(|d| d.code.code())
            .collect();
        assert_eq!(recorded.len(), 35, "every declared indicator is computed");
        for code in [
            "cta_held",
            "cta_minutes_transmitted",
            "spe_siae_sessions",
            "immersions",
            "se_people_accompanied",
            "job_retention_services",
            "interviews_on_time_share",
        ] {
            assert!(recorded.contains(&code), "{code} est compté");
        }
        assert!(definition(IndicatorCode::Exits).allows(Dimension::ExitOutcome));
        assert!(!definition(IndicatorCode::Hirings).allows(Dimension::ExitOutcome));
        // An ESAT-SPE convention's targets are measured on its parties (question 12).
        let esat: Vec<&Definition> = DEFINITIONS.iter().filter(|d| d.family == Family::Esat).collect();
        assert_eq!(esat.len(), 5);
        assert!(esat.iter().all(|d| d.allows(Dimension::Agreement) && d.counts_people));
        assert!(definition(IndicatorCode::EsatExitsToOrdinaryWork).allows(Dimension::ExitOutcome));
        assert!(!definition(IndicatorCode::EsatReturns).allows(Dimension::SiaeKind));
    }
}
