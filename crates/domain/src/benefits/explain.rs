//! What each amount is made of, for the person and the counsellor: figures for a table, sentences in French.

use super::money::Cents;
use super::month::Month;
use serde::Serialize;

/// How the AAH resources were assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Assessment {
    /// Not assessed: no right to the AAH.
    None,
    /// The previous quarter's net earnings (activity in ordinary employment this month).
    Quarterly,
    /// The taxable earnings of year N-2.
    Annual,
}

#[derive(Debug, Clone, Serialize)]
pub struct AahExplanation {
    /// Stable code: `full_rate`, `reduced`, `resources_above_ceiling`, `esat_cap` or why there is no right.
    pub code: &'static str,
    pub assessment: Assessment,
    pub full_rate: Cents,
    /// Monthly resources after the reductions.
    pub resources: Cents,
    /// Monthly ceiling of resources.
    pub ceiling: Cents,
    /// D821-5 limit on the AAH this month, for ESAT workers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esat_cap: Option<Cents>,
    pub reasons: Vec<String>,
}

impl AahExplanation {
    pub(super) fn new(full_rate: Cents) -> Self {
        AahExplanation {
            code: "full_rate",
            assessment: Assessment::None,
            full_rate,
            resources: Cents::ZERO,
            ceiling: Cents::ZERO,
            esat_cap: None,
            reasons: Vec::new(),
        }
    }

    pub(super) fn note(&mut self, reason: String) {
        self.reasons.push(reason);
    }

    pub(super) fn refuse(&mut self, code: &'static str, reason: String) {
        self.code = code;
        self.reasons.push(reason);
    }

    pub(super) fn conclude(&mut self, amount: Cents, full_rate: Cents) {
        let capped = self.esat_cap.is_some_and(|cap| cap == amount && amount < full_rate);
        let (code, reason) = if capped {
            (
                "esat_cap",
                format!("AAH de {amount}, limitée par le cumul avec la rémunération garantie."),
            )
        } else if amount == Cents::ZERO {
            (
                "resources_above_ceiling",
                format!(
                    "Ressources de {} par mois au-dessus du plafond de {} : pas d'AAH.",
                    self.resources, self.ceiling
                ),
            )
        } else if amount == full_rate {
            (
                "full_rate",
                format!(
                    "AAH à taux plein : {amount} (plafond {} moins ressources {}).",
                    self.ceiling, self.resources
                ),
            )
        } else {
            (
                "reduced",
                format!(
                    "AAH de {amount} = plafond {} moins ressources {} par mois.",
                    self.ceiling, self.resources
                ),
            )
        };
        self.code = code;
        self.reasons.push(reason);
    }
}

/// One month of the reference quarter of the prime d'activité.
#[derive(Debug, Clone, Serialize)]
pub struct PpaMonth {
    pub month: Month,
    pub montant_forfaitaire: Cents,
    pub bonus: Cents,
    /// Earnings, plus the AAH when earnings reach 29 hours of SMIC, plus the partner's earnings.
    pub earned_income: Cents,
    /// Earnings, AAH, majoration pour la vie autonome and the partner's earnings.
    pub resources: Cents,
    pub housing_flat_rate: Cents,
    /// The prime computed for this month alone.
    pub amount: Cents,
}

#[derive(Debug, Clone, Serialize)]
pub struct PpaExplanation {
    /// Stable code: `paid`, `no_earnings_in_quarter`, `below_minimum`, `too_young` or `nil`.
    pub code: &'static str,
    pub quarter: Vec<PpaMonth>,
    /// Average of the quarter before the 15 € minimum.
    pub average: Cents,
    pub reasons: Vec<String>,
}
