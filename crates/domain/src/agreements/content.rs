//! The inside of an agreement, as structure rather than a word-processor file: parties and their
//! representatives, legal references, object, axes and action sheets, commitments, indicators, named
//! correspondents with their substitutes, steering, duration and end clauses, annexes and targets.
//!
//! Sources: Accord régional BFC 2016 (regional agreement: axes, action sheets, articles 2-6, annexes 1-3), Guide de la CCL Pôle emploi – SIAE (CCL
//! sections), Questions incontournables ESAT – SPE (ESAT-SPE questions).

use crate::dates::{Span, plausible_opt};
use crate::invalid::Invalid;
use crate::text;
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

const TITLE_MAX: usize = 300;
const TEXT_MAX: usize = 20_000;
const LINE_MAX: usize = 2_000;
const LIST_MAX: usize = 200;

/// The structured content of one version of an agreement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgreementContent {
    pub title: String,
    pub parties: Vec<Party>,
    /// The "Vu ..." lines at the head of the convention.
    pub legal_references: Vec<String>,
    pub preamble: String,
    pub object: String,
    /// Questions incontournables ESAT – SPE questions 1-3: the territorial approach chosen (network head consulted, departmental scope).
    pub territorial_approach: String,
    pub axes: Vec<Axis>,
    pub target_public: String,
    pub entry_modalities: String,
    pub correspondents: Vec<Correspondent>,
    /// The offers of service of each party mobilised (services, trainings POEC/POEI/AFPR, ...).
    pub service_offers: String,
    /// Questions incontournables ESAT – SPE question 11: the individual tracking tools shared by the parties.
    pub tracking_tools: String,
    pub exit_anticipation: String,
    /// Accord régional BFC 2016 article 2: how the agreement is deployed in each signatory's network.
    pub deployment: String,
    pub steering: Steering,
    pub communication: String,
    pub duration: Duration,
    /// Accord régional BFC 2016 article 5: how the agreement is amended (by avenant, on whose proposal).
    pub amendment: String,
    /// Notice period of a termination, in months (Guide de la CCL Pôle emploi – SIAE and Accord régional BFC 2016: three months).
    pub notice_months: u8,
    /// Events that end the agreement of themselves (Guide de la CCL Pôle emploi – SIAE: the SIAE loses its State convention).
    pub lapse_conditions: Vec<String>,
    pub annexes: Vec<Annex>,
    /// Questions incontournables ESAT – SPE question 12: quantified objectives.
    pub targets: Vec<Target>,
    /// Checklist items the parties declare not applicable, each with its reason.
    pub not_applicable: Vec<NotApplicable>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Party {
    pub organisation_id: Uuid,
    /// Name as printed (the directory's name when the draft was started).
    pub name: String,
    pub representative: String,
    /// Capacity of the representative ("directeur régional", "présidente").
    pub capacity: String,
    /// Presentation of the partner: activities, territory, organisation for the agreement (Guide de la CCL Pôle emploi – SIAE II.c).
    pub presentation: String,
}

impl Party {
    /// Who signs for the party, as an agreement's list of parties prints it: « en la personne de la préfète de
    /// région », « en la personne d'Isabelle Fournier, directrice ». The legal formula keeps the sentence right
    /// whatever the party's gender or number (« représenté(e) par » did not). A representative written as a title
    /// (« La préfète de... ») already says the capacity, which is then not repeated. `None` when nobody is named.
    pub fn representation(&self) -> Option<String> {
        let who = self.representative.trim();
        if who.is_empty() {
            return None;
        }
        let lower_first = |s: &str| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_lowercase().chain(c).collect::<String>())
                .unwrap_or_default()
        };
        let titled = [
            ("Le ", "du "),
            ("Les ", "des "),
            ("La ", "de la "),
            ("L'", "de l'"),
            ("L’", "de l’"),
        ]
        .iter()
        .find_map(|(article, with_de)| who.strip_prefix(article).map(|rest| format!("{with_de}{rest}")));
        let is_title = titled.is_some();
        let mut line = match titled {
            Some(title) => format!("en la personne {title}"),
            None if who.starts_with(|c: char| "AEIOUYÂÉÈÊÎÔÛaeiouyâéèêîôûHh".contains(c)) => {
                format!("en la personne d'{who}")
            }
            None => format!("en la personne de {who}"),
        };
        let capacity = self.capacity.trim();
        if !is_title && !capacity.is_empty() {
            line.push_str(&format!(", {}", lower_first(capacity)));
        }
        Some(line)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Axis {
    pub title: String,
    pub theme: Option<AxisTheme>,
    pub sheets: Vec<ActionSheet>,
}

/// The four thematic axes of an ESAT-SPE convention (Questions incontournables ESAT – SPE question 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AxisTheme {
    MutualKnowledge,
    InformationAndEmployers,
    ServiceOffer,
    PriorityActions,
}

impl AxisTheme {
    pub const ALL: &'static [AxisTheme] = &[
        Self::MutualKnowledge,
        Self::InformationAndEmployers,
        Self::ServiceOffer,
        Self::PriorityActions,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::MutualKnowledge => "actions d'interconnaissance",
            Self::InformationAndEmployers => "actions d'information, événements et actions auprès des entreprises",
            Self::ServiceOffer => "accès à l'offre de service et modalités pour la mobiliser",
            Self::PriorityActions => "actions thématiques prioritaires",
        }
    }
}

/// The five typical situations of an ESAT worker (Questions incontournables ESAT – SPE question 10; RULES.md 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = EsatSituation))]
pub enum WorkerSituation {
    ProjectInOrdinaryEmployment,
    DoubleActivity,
    TransitionWithSupportConvention,
    LeavingWithoutHiringProject,
    JobRetention,
}

impl WorkerSituation {
    pub const ALL: &'static [WorkerSituation] = &[
        Self::ProjectInOrdinaryEmployment,
        Self::DoubleActivity,
        Self::TransitionWithSupportConvention,
        Self::LeavingWithoutHiringProject,
        Self::JobRetention,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::ProjectInOrdinaryEmployment => "travailleur orienté en ESAT avec un projet en milieu ordinaire",
            Self::DoubleActivity => "travailleur en double activité ESAT et milieu ordinaire",
            Self::TransitionWithSupportConvention => {
                "travailleur sortant, en transition vers l'entreprise avec une convention d'appui"
            }
            Self::LeavingWithoutHiringProject => "travailleur sortant sans projet de recrutement à court terme",
            Self::JobRetention => "travailleur sorti et inséré, pour sécuriser son maintien dans l'emploi",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActionSheet {
    pub title: String,
    pub objectives: Vec<String>,
    pub implementation: String,
    pub commitments: Vec<Commitment>,
    pub indicators: Vec<Indicator>,
    /// ESAT-SPE conventions: the worker situations the action serves.
    pub situations: Vec<WorkerSituation>,
}

/// What one party undertakes in an action sheet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Commitment {
    pub party: Uuid,
    pub items: Vec<String>,
}

/// A follow-up indicator and who provides its figures (Accord régional BFC 2016 annex 1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Indicator {
    pub name: String,
    pub provider: String,
}

/// A named correspondent of one party and the substitute who acts in their absence (Guide de la CCL Pôle emploi – SIAE, degraded mode).
/// Contacts come from the directory; names are copied when the content is saved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Correspondent {
    pub party: Uuid,
    pub contact_id: Option<Uuid>,
    pub name: String,
    pub function: String,
    pub substitute_contact_id: Option<Uuid>,
    pub substitute_name: String,
    pub mission: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Steering {
    /// The committee that follows the agreement (comité de pilotage, CTA, comité de suivi).
    pub committee: String,
    /// How often it meets ("au moins deux fois par an").
    pub frequency: String,
    pub composition: String,
    pub organisation: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Duration {
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// Renewal clause ("reconduite tacitement par période d'un an").
    pub renewal: String,
    /// Yearly review clause (Guide de la CCL Pôle emploi – SIAE: examined each year by the follow-up committee).
    pub review: String,
}

/// An annex: free text (eligibility grid, procedure) and, for a roadmap, its dated actions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Annex {
    pub title: String,
    pub text: String,
    pub roadmap: Vec<RoadmapAction>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoadmapAction {
    pub action: String,
    /// When, as the roadmap says it ("premier trimestre 2017").
    pub due: String,
    pub due_on: Option<Date>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Target {
    pub indicator: String,
    pub period: String,
    pub value: i64,
    pub unit: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotApplicable {
    /// Code of the checklist item.
    pub item: String,
    pub reason: String,
}

/// Trims a text in place and checks its length and characters; empty is allowed (a draft is partial).
fn clean(field: &str, value: &mut String, max: usize) -> Result<(), Invalid> {
    *value = text::optional(field, Some(value), max)?.unwrap_or_default();
    Ok(())
}

/// Cleans every line of a list, drops the empty ones and bounds the count.
fn clean_lines(field: &str, lines: &mut Vec<String>) -> Result<(), Invalid> {
    for line in lines.iter_mut() {
        clean(field, line, LINE_MAX)?;
    }
    lines.retain(|l| !l.is_empty());
    bounded(field, lines)
}

fn bounded<T>(field: &str, list: &[T]) -> Result<(), Invalid> {
    if list.len() > LIST_MAX {
        return Err(Invalid::new(
            "list_too_long",
            format!(
                "La liste « {field} » comporte {} éléments ; {LIST_MAX} au plus sont acceptés.",
                list.len()
            ),
        )
        .on(field));
    }
    Ok(())
}

impl AgreementContent {
    /// Cleans the texts and checks the rules that hold for any draft: a title, parties named once, every
    /// commitment and correspondent attached to a party, dates in order.
    pub fn validate(mut self) -> Result<Self, Invalid> {
        self.title = text::required("titre", &self.title, TITLE_MAX)?;
        if self.parties.is_empty() {
            return Err(
                Invalid::new("agreement_parties_missing", "Une convention a au moins une partie.").on("parties"),
            );
        }
        bounded("parties", &self.parties)?;
        for p in &mut self.parties {
            p.name = text::required("nom de la partie", &p.name, TITLE_MAX)?;
            clean("représentant", &mut p.representative, TITLE_MAX)?;
            clean("qualité", &mut p.capacity, TITLE_MAX)?;
            clean("présentation", &mut p.presentation, TEXT_MAX)?;
        }
        let ids: Vec<Uuid> = self.parties.iter().map(|p| p.organisation_id).collect();
        if (1..ids.len()).any(|i| ids[..i].contains(&ids[i])) {
            return Err(Invalid::new(
                "agreement_party_duplicate",
                "Une même structure est nommée deux fois parmi les parties.",
            )
            .on("parties"));
        }
        let party_known = |id: &Uuid, field: &str| {
            if ids.contains(id) {
                Ok(())
            } else {
                Err(Invalid::new(
                    "agreement_party_unknown",
                    "Un engagement ou un correspondant est rattaché à une structure qui n'est pas partie à la convention.",
                )
                .on(field))
            }
        };
        clean_lines("visas", &mut self.legal_references)?;
        for (field, value) in [
            ("préambule", &mut self.preamble),
            ("objet", &mut self.object),
            ("approche territoriale", &mut self.territorial_approach),
            ("public visé", &mut self.target_public),
            ("modalités d'entrée", &mut self.entry_modalities),
            ("offres de service", &mut self.service_offers),
            ("outils de suivi", &mut self.tracking_tools),
            ("anticipation des sorties", &mut self.exit_anticipation),
            ("déploiement", &mut self.deployment),
            ("communication", &mut self.communication),
            ("modification", &mut self.amendment),
            ("comité de pilotage", &mut self.steering.committee),
            ("fréquence du pilotage", &mut self.steering.frequency),
            ("composition du pilotage", &mut self.steering.composition),
            ("organisation du pilotage", &mut self.steering.organisation),
            ("reconduction", &mut self.duration.renewal),
            ("examen annuel", &mut self.duration.review),
        ] {
            clean(field, value, TEXT_MAX)?;
        }
        bounded("axes", &self.axes)?;
        for axis in &mut self.axes {
            axis.title = text::required("titre de l'axe", &axis.title, TITLE_MAX)?;
            bounded("fiches action", &axis.sheets)?;
            for sheet in &mut axis.sheets {
                sheet.title = text::required("titre de la fiche action", &sheet.title, LINE_MAX)?;
                clean_lines("objectifs", &mut sheet.objectives)?;
                clean("mise en œuvre", &mut sheet.implementation, TEXT_MAX)?;
                for c in &mut sheet.commitments {
                    party_known(&c.party, "commitments")?;
                    clean_lines("engagements", &mut c.items)?;
                }
                sheet.commitments.retain(|c| !c.items.is_empty());
                for i in &mut sheet.indicators {
                    i.name = text::required("indicateur", &i.name, LINE_MAX)?;
                    clean("fournisseur de l'indicateur", &mut i.provider, TITLE_MAX)?;
                }
                bounded("indicateurs", &sheet.indicators)?;
                sheet.situations.dedup();
            }
        }
        bounded("correspondants", &self.correspondents)?;
        for c in &mut self.correspondents {
            party_known(&c.party, "correspondents")?;
            // A contact of the directory gives its name when the content is saved.
            if c.contact_id.is_none() {
                c.name = text::required("nom du correspondant", &c.name, TITLE_MAX)?;
            }
            clean("nom du correspondant", &mut c.name, TITLE_MAX)?;
            clean("fonction", &mut c.function, TITLE_MAX)?;
            clean("suppléant", &mut c.substitute_name, TITLE_MAX)?;
            clean("mission", &mut c.mission, TEXT_MAX)?;
        }
        for day in [self.duration.starts_on, self.duration.ends_on] {
            plausible_opt("duration", day, Span::Agreement)?;
        }
        if let (Some(start), Some(end)) = (self.duration.starts_on, self.duration.ends_on)
            && end < start
        {
            return Err(Invalid::new(
                "agreement_dates_inverted",
                format!("La convention ne peut pas finir ({end}) avant de commencer ({start})."),
            )
            .on("duration"));
        }
        if self.notice_months > 24 {
            return Err(
                Invalid::new("notice_too_long", "Le préavis de dénonciation est de 24 mois au plus.")
                    .on("notice_months"),
            );
        }
        clean_lines("conditions de caducité", &mut self.lapse_conditions)?;
        bounded("annexes", &self.annexes)?;
        for a in &mut self.annexes {
            a.title = text::required("titre de l'annexe", &a.title, TITLE_MAX)?;
            clean("texte de l'annexe", &mut a.text, TEXT_MAX)?;
            bounded("feuille de route", &a.roadmap)?;
            for r in &mut a.roadmap {
                r.action = text::required("action de la feuille de route", &r.action, LINE_MAX)?;
                clean("échéance", &mut r.due, TITLE_MAX)?;
            }
        }
        bounded("objectifs chiffrés", &self.targets)?;
        for t in &mut self.targets {
            t.indicator = text::required("indicateur de l'objectif", &t.indicator, LINE_MAX)?;
            clean("période", &mut t.period, TITLE_MAX)?;
            clean("unité", &mut t.unit, TITLE_MAX)?;
        }
        for n in &mut self.not_applicable {
            n.reason = text::required("motif de non-applicabilité", &n.reason, LINE_MAX)?;
            clean("élément", &mut n.item, TITLE_MAX)?;
        }
        Ok(self)
    }

    /// Every action sheet, with the title of its axis.
    pub fn sheets(&self) -> impl Iterator<Item = (&Axis, &ActionSheet)> {
        self.axes.iter().flat_map(|a| a.sheets.iter().map(move |s| (a, s)))
    }

    pub fn party(&self, id: Uuid) -> Option<&Party> {
        self.parties.iter().find(|p| p.organisation_id == id)
    }

    /// The content once party `id` has left it: its correspondents and commitments go with it.
    pub fn without_party(mut self, id: Uuid) -> Self {
        self.parties.retain(|p| p.organisation_id != id);
        self.correspondents.retain(|k| k.party != id);
        for axis in &mut self.axes {
            for sheet in &mut axis.sheets {
                sheet.commitments.retain(|c| c.party != id);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_party_is_represented_in_the_legal_formula() {
        let party = |representative: &str, capacity: &str| super::Party {
            representative: representative.into(),
            capacity: capacity.into(),
            ..Default::default()
        };
        for (representative, capacity, printed) in [
            (
                "La préfète de la région Bourgogne-Franche-Comté",
                "Préfète de région",
                Some("en la personne de la préfète de la région Bourgogne-Franche-Comté"),
            ),
            (
                "Le directeur régional",
                "Directeur régional",
                Some("en la personne du directeur régional"),
            ),
            (
                "Les présidents des réseaux",
                "Présidents",
                Some("en la personne des présidents des réseaux"),
            ),
            (
                "Isabelle Fournier",
                "Directrice",
                Some("en la personne d'Isabelle Fournier, directrice"),
            ),
            ("Marc Lefèvre", "", Some("en la personne de Marc Lefèvre")),
            (" ", "Directrice", None),
        ] {
            assert_eq!(
                party(representative, capacity).representation().as_deref(),
                printed,
                "{representative}"
            );
        }
    }

    use super::*;

    #[test]
    fn a_party_leaves_with_its_correspondents() {
        let mut c = two_parties();
        let leaving = c.parties[1].organisation_id;
        c.correspondents.push(Correspondent {
            party: leaving,
            ..Default::default()
        });
        let c = c.without_party(leaving);
        assert_eq!(c.parties.len(), 1);
        assert!(c.correspondents.is_empty());
        assert!(c.validate().is_ok());
    }

    fn two_parties() -> AgreementContent {
        AgreementContent {
            title: "  Convention  ".into(),
            parties: vec![
                Party {
                    organisation_id: Uuid::from_u128(1),
                    name: "Agence".into(),
                    ..Default::default()
                },
                Party {
                    organisation_id: Uuid::from_u128(2),
                    name: "ACI".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_draft_is_cleaned() {
        let mut c = two_parties();
        c.legal_references = vec!["  Vu la loi ".into(), "   ".into()];
        let c = c.validate().unwrap();
        assert_eq!(c.title, "Convention");
        assert_eq!(c.legal_references, vec!["Vu la loi".to_string()]);
    }

    #[test]
    fn broken_drafts_are_refused() {
        type Breaker = Box<dyn Fn(&mut AgreementContent)>;
        let cases: Vec<(&str, Breaker)> = vec![
            ("field_required", Box::new(|c| c.title = " ".into())),
            ("agreement_parties_missing", Box::new(|c| c.parties.clear())),
            (
                "agreement_party_duplicate",
                Box::new(|c| c.parties[1].organisation_id = Uuid::from_u128(1)),
            ),
            (
                "agreement_party_unknown",
                Box::new(|c| {
                    c.correspondents.push(Correspondent {
                        party: Uuid::from_u128(9),
                        name: "X".into(),
                        ..Default::default()
                    })
                }),
            ),
            (
                "agreement_dates_inverted",
                Box::new(|c| {
                    c.duration.starts_on = Some(time::macros::date!(2026 - 01 - 01));
                    c.duration.ends_on = Some(time::macros::date!(2025 - 12 - 31));
                }),
            ),
            ("notice_too_long", Box::new(|c| c.notice_months = 36)),
            ("field_invalid_characters", Box::new(|c| c.object = "a\u{0}b".into())),
        ];
        for (code, breaks) in cases {
            let mut c = two_parties();
            breaks(&mut c);
            assert_eq!(c.validate().unwrap_err().code, code);
        }
    }
}
