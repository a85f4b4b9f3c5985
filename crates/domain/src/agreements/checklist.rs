//! Guided drafting: for each kind of agreement, the items its source document asks for, each satisfied by a
//! filled part of the structure, declared not applicable with a reason, or missing. A draft goes to
//! signature only when nothing is missing.
//!
//! Sources: Guide de la CCL Pôle emploi – SIAE (sections of a CCL), Questions incontournables ESAT – SPE (the 13 questions of an ESAT-SPE convention), Accord régional BFC 2016
//! (articles and annexes of a regional agreement), arrêté of 23 Nov 2017 (supported-employment management
//! convention), reciprocity between the parties.

use super::content::{AgreementContent, AxisTheme, WorkerSituation};
use super::kind::AgreementKind;
use serde::Serialize;

/// Facts about the agreement that its content does not hold.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// Whether the agreement declines a parent agreement.
    pub has_parent: bool,
}

/// One check: what is asked, where it comes from, and how to tell what is missing.
struct Check {
    code: &'static str,
    label: &'static str,
    source: &'static str,
    /// Whether the parties may declare the item not applicable.
    waivable: bool,
    /// `Some(what is missing)` when the item is not satisfied.
    missing: fn(&AgreementContent, Facts) -> Option<String>,
}

fn empty(s: &str) -> bool {
    s.trim().is_empty()
}

fn when(missing: bool, what: &str) -> Option<String> {
    missing.then(|| what.to_owned())
}

/// Names the entries failing `bad`, or `None` when there are none.
fn listing<'a>(what: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
    let names: Vec<&str> = names.collect();
    (!names.is_empty()).then(|| format!("{what} : {}", names.join(", ")))
}

const CHECKS: &[Check] = &[
    Check {
        code: "parties_represented",
        label: "Chaque partie est nommée avec son représentant et sa qualité",
        source: "Accord régional BFC 2016, parties ; Guide de la CCL Pôle emploi – SIAE II.c",
        waivable: false,
        missing: |c, _| {
            listing(
                "Représentant ou qualité manquant pour",
                c.parties
                    .iter()
                    .filter(|p| empty(&p.representative) || empty(&p.capacity))
                    .map(|p| p.name.as_str()),
            )
            .or_else(|| when(c.parties.len() < 2, "Une convention lie au moins deux parties."))
        },
    },
    Check {
        code: "legal_references",
        label: "Les visas (« Vu ... ») sont rappelés",
        source: "Guide de la CCL Pôle emploi – SIAE II.a",
        waivable: true,
        missing: |c, _| when(c.legal_references.is_empty(), "Aucun visa n'est indiqué."),
    },
    Check {
        code: "parent",
        label: "La convention décline l'accord de niveau supérieur",
        source: "Guide de la CCL Pôle emploi – SIAE, Accord régional BFC 2016 préambule, Questions incontournables ESAT – SPE question 7",
        waivable: true,
        missing: |_, f| when(!f.has_parent, "La convention ne désigne pas l'accord qu'elle décline."),
    },
    Check {
        code: "object",
        label: "L'objet de la convention est défini",
        source: "Guide de la CCL Pôle emploi – SIAE I.1",
        waivable: false,
        missing: |c, _| when(empty(&c.object), "L'objet n'est pas rédigé."),
    },
    Check {
        code: "territorial_approach",
        label: "L'approche territoriale est choisie (tête de réseau consultée, échelle départementale, autres ESAT contactés)",
        source: "Questions incontournables ESAT – SPE questions 1 à 3",
        waivable: true,
        missing: |c, _| {
            when(
                empty(&c.territorial_approach),
                "L'approche territoriale n'est pas décrite.",
            )
        },
    },
    Check {
        code: "axes",
        label: "Les axes et leurs fiches action sont définis",
        source: "Accord régional BFC 2016 article 1 ; Questions incontournables ESAT – SPE question 6",
        waivable: false,
        missing: |c, _| when(c.sheets().next().is_none(), "Aucune fiche action n'est rédigée."),
    },
    Check {
        code: "sheets_complete",
        label: "Chaque fiche action a ses objectifs, sa mise en œuvre, les engagements des signataires et ses indicateurs",
        source: "Accord régional BFC 2016 article 1",
        waivable: true,
        missing: |c, _| {
            listing(
                "Fiches action incomplètes",
                c.sheets()
                    .filter(|(_, s)| {
                        s.objectives.is_empty()
                            || empty(&s.implementation)
                            || s.commitments.is_empty()
                            || s.indicators.is_empty()
                    })
                    .map(|(_, s)| s.title.as_str()),
            )
        },
    },
    Check {
        code: "reciprocity",
        label: "Chaque partie prend au moins un engagement (réciprocité)",
        source: "Questions incontournables ESAT – SPE question 8",
        waivable: false,
        missing: |c, _| {
            listing(
                "Aucun engagement pour",
                c.parties
                    .iter()
                    .filter(|p| {
                        !c.sheets()
                            .any(|(_, s)| s.commitments.iter().any(|k| k.party == p.organisation_id))
                    })
                    .map(|p| p.name.as_str()),
            )
        },
    },
    Check {
        code: "indicators",
        label: "Des indicateurs de suivi sont définis",
        source: "Guide de la CCL Pôle emploi – SIAE I.4.b ; Questions incontournables ESAT – SPE question 12",
        waivable: true,
        missing: |c, _| {
            when(
                !c.sheets().any(|(_, s)| !s.indicators.is_empty()),
                "Aucun indicateur n'est défini.",
            )
        },
    },
    Check {
        code: "indicator_providers",
        label: "Chaque indicateur nomme le fournisseur de ses données",
        source: "Accord régional BFC 2016 annexe 1",
        waivable: true,
        missing: |c, _| {
            listing(
                "Indicateurs sans fournisseur",
                c.sheets()
                    .flat_map(|(_, s)| &s.indicators)
                    .filter(|i| empty(&i.provider))
                    .map(|i| i.name.as_str()),
            )
        },
    },
    Check {
        code: "correspondents",
        label: "Chaque partie désigne un correspondant pour le suivi",
        source: "Guide de la CCL Pôle emploi – SIAE I.1.b ; Questions incontournables ESAT – SPE questions 4 et 13",
        waivable: false,
        missing: |c, _| {
            listing(
                "Aucun correspondant pour",
                c.parties
                    .iter()
                    .filter(|p| !c.correspondents.iter().any(|k| k.party == p.organisation_id))
                    .map(|p| p.name.as_str()),
            )
        },
    },
    Check {
        code: "substitutes",
        label: "Chaque correspondant a un suppléant (mode dégradé)",
        source: "Guide de la CCL Pôle emploi – SIAE I.1.b",
        waivable: true,
        missing: |c, _| {
            listing(
                "Correspondants sans suppléant",
                c.correspondents
                    .iter()
                    .filter(|k| empty(&k.substitute_name))
                    .map(|k| k.name.as_str()),
            )
        },
    },
    Check {
        code: "target_public",
        label: "Le public visé et les modalités d'entrée en parcours sont précisés",
        source: "Guide de la CCL Pôle emploi – SIAE I.2",
        waivable: true,
        missing: |c, _| {
            when(
                empty(&c.target_public) || empty(&c.entry_modalities),
                "Le public visé ou les modalités d'entrée manquent.",
            )
        },
    },
    Check {
        code: "service_offers",
        label: "Les offres de service mobilisées et leur complémentarité sont décrites",
        source: "Guide de la CCL Pôle emploi – SIAE I.3.b à I.3.d",
        waivable: true,
        missing: |c, _| when(empty(&c.service_offers), "Les offres de service ne sont pas décrites."),
    },
    Check {
        code: "exit_anticipation",
        label: "La sortie est anticipée (bilan, entretien tripartite)",
        source: "Guide de la CCL Pôle emploi – SIAE I.3.e ; Accord régional BFC 2016 fiche 7",
        waivable: true,
        missing: |c, _| {
            when(
                empty(&c.exit_anticipation),
                "L'anticipation des sorties n'est pas décrite.",
            )
        },
    },
    Check {
        code: "mutual_knowledge",
        label: "Des actions d'interconnaissance sont prévues",
        source: "Questions incontournables ESAT – SPE question 5",
        waivable: true,
        missing: |c, _| {
            when(
                !c.axes
                    .iter()
                    .any(|a| a.theme == Some(AxisTheme::MutualKnowledge) && !a.sheets.is_empty()),
                "Aucune fiche action d'interconnaissance.",
            )
        },
    },
    Check {
        code: "thematic_axes",
        label: "La convention couvre les quatre axes thématiques",
        source: "Questions incontournables ESAT – SPE question 9",
        waivable: true,
        missing: |c, _| {
            listing(
                "Axes thématiques absents",
                AxisTheme::ALL
                    .iter()
                    .filter(|t| !c.axes.iter().any(|a| a.theme == Some(**t)))
                    .map(|t| t.label()),
            )
        },
    },
    Check {
        code: "worker_situations",
        label: "Des actions sont prévues pour chacune des cinq situations de travailleur d'ESAT",
        source: "Questions incontournables ESAT – SPE question 10",
        waivable: true,
        missing: |c, _| {
            listing(
                "Situations sans action",
                WorkerSituation::ALL
                    .iter()
                    .filter(|w| !c.sheets().any(|(_, s)| s.situations.contains(w)))
                    .map(|w| w.label()),
            )
        },
    },
    Check {
        code: "tracking_tools",
        label: "Les outils de suivi individuel sont prévus",
        source: "Questions incontournables ESAT – SPE question 11",
        waivable: true,
        missing: |c, _| {
            when(
                empty(&c.tracking_tools),
                "Les outils de suivi individuel ne sont pas décrits.",
            )
        },
    },
    Check {
        code: "targets",
        label: "Des objectifs chiffrés sont fixés",
        source: "Questions incontournables ESAT – SPE question 12",
        waivable: true,
        missing: |c, _| when(c.targets.is_empty(), "Aucun objectif chiffré."),
    },
    Check {
        code: "deployment",
        label: "Les modalités de déploiement de l'accord sont définies",
        source: "Accord régional BFC 2016 article 2",
        waivable: true,
        missing: |c, _| when(empty(&c.deployment), "Le déploiement n'est pas décrit."),
    },
    Check {
        code: "steering",
        label: "Le pilotage est organisé (instance, fréquence)",
        source: "Guide de la CCL Pôle emploi – SIAE I.4 ; Accord régional BFC 2016 article 3",
        waivable: false,
        missing: |c, _| {
            when(
                empty(&c.steering.committee) || empty(&c.steering.frequency),
                "L'instance de pilotage ou sa fréquence manque.",
            )
        },
    },
    Check {
        code: "communication",
        label: "La communication sur le partenariat est encadrée",
        source: "Guide de la CCL Pôle emploi – SIAE II.d",
        waivable: true,
        missing: |c, _| when(empty(&c.communication), "La clause de communication manque."),
    },
    Check {
        code: "duration",
        label: "La durée est fixée (date de début et de fin)",
        source: "Guide de la CCL Pôle emploi – SIAE II.b ; Accord régional BFC 2016 article 4",
        waivable: false,
        missing: |c, _| {
            when(
                c.duration.starts_on.is_none() || c.duration.ends_on.is_none(),
                "Les dates de début ou de fin manquent.",
            )
        },
    },
    Check {
        code: "annual_review",
        label: "L'examen annuel de la convention est prévu",
        source: "Guide de la CCL Pôle emploi – SIAE II.b",
        waivable: true,
        missing: |c, _| when(empty(&c.duration.review), "L'examen annuel n'est pas prévu."),
    },
    Check {
        code: "amendment",
        label: "La modification par avenant est prévue",
        source: "Guide de la CCL Pôle emploi – SIAE II.b ; Accord régional BFC 2016 article 5",
        waivable: true,
        missing: |c, _| when(empty(&c.amendment), "La clause de modification par avenant manque."),
    },
    Check {
        code: "notice",
        label: "Le préavis de dénonciation est fixé",
        source: "Guide de la CCL Pôle emploi – SIAE II.b ; Accord régional BFC 2016 article 6",
        waivable: false,
        missing: |c, _| when(c.notice_months == 0, "Le préavis de dénonciation n'est pas fixé."),
    },
    Check {
        code: "lapse",
        label: "La caducité est prévue si la SIAE perd son conventionnement par l'État",
        source: "Guide de la CCL Pôle emploi – SIAE II.b",
        waivable: true,
        missing: |c, _| when(c.lapse_conditions.is_empty(), "Aucune condition de caducité."),
    },
    Check {
        code: "roadmap",
        label: "Une feuille de route datée est annexée",
        source: "Accord régional BFC 2016 annexe 3 ; Questions incontournables ESAT – SPE question 7",
        waivable: true,
        missing: |c, _| {
            when(
                !c.annexes.iter().any(|a| !a.roadmap.is_empty()),
                "Aucune feuille de route annexée.",
            )
        },
    },
];

/// The items each kind asks for, in the order of its source document.
fn items_of(kind: AgreementKind) -> &'static [&'static str] {
    use AgreementKind::*;
    match kind {
        NationalFramework => &[
            "parties_represented",
            "legal_references",
            "object",
            "axes",
            "sheets_complete",
            "reciprocity",
            "indicator_providers",
            "steering",
            "duration",
            "amendment",
            "notice",
        ],
        Regional => &[
            "parties_represented",
            "legal_references",
            "parent",
            "object",
            "axes",
            "sheets_complete",
            "reciprocity",
            "indicator_providers",
            "deployment",
            "steering",
            "duration",
            "amendment",
            "notice",
            "roadmap",
        ],
        LocalCooperation => &[
            "object",
            "correspondents",
            "substitutes",
            "target_public",
            "service_offers",
            "exit_anticipation",
            "reciprocity",
            "steering",
            "indicators",
            "legal_references",
            "parent",
            "duration",
            "annual_review",
            "amendment",
            "notice",
            "lapse",
            "parties_represented",
            "communication",
        ],
        EsatSpe => &[
            "territorial_approach",
            "correspondents",
            "mutual_knowledge",
            "axes",
            "parent",
            "roadmap",
            "reciprocity",
            "thematic_axes",
            "worker_situations",
            "tracking_tools",
            "targets",
            "indicators",
            "parties_represented",
            "duration",
            "notice",
        ],
        SupportedEmploymentManagement => &[
            "parties_represented",
            "legal_references",
            "object",
            "reciprocity",
            "correspondents",
            "substitutes",
            "steering",
            "indicators",
            "targets",
            "duration",
            "notice",
        ],
        SupportedEmploymentPartnership => &[
            "parties_represented",
            "object",
            "reciprocity",
            "correspondents",
            "steering",
            "duration",
            "notice",
        ],
        Partnership => &["parties_represented", "object", "reciprocity", "duration", "notice"],
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ItemState {
    Satisfied,
    NotApplicable { reason: String },
    Missing { what: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub code: &'static str,
    pub label: &'static str,
    pub source: &'static str,
    #[serde(flatten)]
    pub state: ItemState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checklist {
    pub items: Vec<ChecklistItem>,
    /// Share of items satisfied or declared not applicable, in percent (rounded down).
    pub score: u8,
    /// Codes of the missing items: what remains before signature.
    pub missing: Vec<&'static str>,
}

impl Checklist {
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }

    /// What is missing, in one French sentence per item.
    pub fn missing_sentences(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|i| match &i.state {
                ItemState::Missing { what } => Some(format!("{} : {what} ({}).", i.label, i.source)),
                _ => None,
            })
            .collect()
    }
}

/// The checklist of a draft of `kind`.
pub fn checklist(kind: AgreementKind, content: &AgreementContent, facts: Facts) -> Checklist {
    let items: Vec<ChecklistItem> = items_of(kind)
        .iter()
        .filter_map(|code| CHECKS.iter().find(|c| c.code == *code))
        .map(|check| {
            let waived = content
                .not_applicable
                .iter()
                .find(|n| n.item == check.code && check.waivable);
            let state = match ((check.missing)(content, facts), waived) {
                (None, _) => ItemState::Satisfied,
                (Some(_), Some(n)) => ItemState::NotApplicable {
                    reason: n.reason.clone(),
                },
                (Some(what), None) => ItemState::Missing { what },
            };
            ChecklistItem {
                code: check.code,
                label: check.label,
                source: check.source,
                state,
            }
        })
        .collect();
    let missing: Vec<&'static str> = items
        .iter()
        .filter(|i| matches!(i.state, ItemState::Missing { .. }))
        .map(|i| i.code)
        .collect();
    let score = if items.is_empty() {
        100
    } else {
        (100 * (items.len() - missing.len()) / items.len()) as u8
    };
    Checklist { items, score, missing }
}

/// Whether `item` may be declared not applicable for `kind` (an unknown or mandatory item may not).
pub fn waivable(kind: AgreementKind, item: &str) -> bool {
    items_of(kind).contains(&item) && CHECKS.iter().any(|c| c.code == item && c.waivable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreements::examples;

    #[test]
    fn every_listed_item_has_its_check() {
        for kind in AgreementKind::ALL {
            for code in items_of(*kind) {
                assert!(CHECKS.iter().any(|c| c.code == *code), "{code}");
            }
        }
    }

    // Guide de la CCL Pôle emploi – SIAE: a CCL written section by section reaches 100 %.
    #[test]
    fn a_ccl_following_seed_001_is_complete() {
        let ccl = examples::samples::ccl();
        let list = checklist(AgreementKind::LocalCooperation, &ccl, Facts { has_parent: true });
        assert_eq!(list.missing, Vec::<&str>::new(), "{:?}", list.missing_sentences());
        assert_eq!(list.score, 100);
    }

    // Guide de la CCL Pôle emploi – SIAE I.1.b: without a substitute the degraded mode is missing, and so is signature.
    #[test]
    fn a_correspondent_without_substitute_is_missing() {
        let mut ccl = examples::samples::ccl();
        ccl.correspondents[1].substitute_name.clear();
        let list = checklist(AgreementKind::LocalCooperation, &ccl, Facts { has_parent: true });
        assert_eq!(list.missing, vec!["substitutes"]);
        assert!(list.missing_sentences()[0].contains(&ccl.correspondents[1].name));
        assert!(list.score < 100);
    }

    #[test]
    fn reciprocity_names_the_party_without_commitment() {
        let mut ccl = examples::samples::ccl();
        let aci = ccl.parties[1].organisation_id;
        for axis in &mut ccl.axes {
            for sheet in &mut axis.sheets {
                sheet.commitments.retain(|c| c.party != aci);
            }
        }
        let list = checklist(AgreementKind::LocalCooperation, &ccl, Facts { has_parent: true });
        assert!(list.missing.contains(&"reciprocity"));
        assert!(
            list.missing_sentences()
                .iter()
                .any(|s| s.contains(&ccl.parties[1].name))
        );
    }

    // Accord régional BFC 2016: the regional agreement with its 3 axes and 8 action sheets.
    #[test]
    fn the_regional_agreement_of_seed_004_is_complete() {
        let r = examples::samples::regional();
        assert_eq!(r.axes.len(), 3);
        assert_eq!(r.sheets().count(), 8);
        let list = checklist(AgreementKind::Regional, &r, Facts { has_parent: true });
        assert!(list.is_complete(), "{:?}", list.missing_sentences());
    }

    // Questions incontournables ESAT – SPE question 10: the five situations, or a reason why not.
    #[test]
    fn an_esat_convention_covers_the_five_situations_or_says_why_not() {
        let mut c = examples::samples::ccl();
        let list = checklist(AgreementKind::EsatSpe, &c, Facts { has_parent: true });
        assert!(list.missing.contains(&"worker_situations"));
        c.not_applicable.push(crate::agreements::content::NotApplicable {
            item: "worker_situations".into(),
            reason: "Convention limitée aux sorties d'ESAT.".into(),
        });
        let list = checklist(AgreementKind::EsatSpe, &c, Facts { has_parent: true });
        assert!(!list.missing.contains(&"worker_situations"));
        assert!(
            list.items
                .iter()
                .any(|i| matches!(&i.state, ItemState::NotApplicable { reason } if reason.contains("sorties")))
        );
    }

    #[test]
    fn mandatory_items_cannot_be_waived() {
        assert!(!waivable(AgreementKind::LocalCooperation, "reciprocity"));
        assert!(waivable(AgreementKind::LocalCooperation, "substitutes"));
        assert!(!waivable(AgreementKind::Partnership, "roadmap"));
    }
}
