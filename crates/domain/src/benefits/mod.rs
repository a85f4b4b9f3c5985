//! Benefits simulator: what a disabled worker receives month by month as AAH and prime d'activité, with why.
//!
//! The rules follow OpenFisca-France (the public reference, checked by the golden tests of `golden`) and,
//! for the rules it does not model, the texts: the ESAT rules (`esat`) and the six months during which the
//! earnings of a new activity are left out of the AAH (D821-9 1°, `situation`; the golden test lists the months
//! this changes in `golden/divergences.json`). Known differences with the law as written:
//! - AAH from 16 for a person who no longer opens family benefits (R821-1): OpenFisca and the simulator
//!   assume every person simulated is in that case.
//! - The retirement age closing the AAH for 50-79 % is 64 from 2023-09-01 (OpenFisca), not the progressive
//!   legal age of the 2023 reform.
//! - With no earnings in the month, the N-2 earnings are reduced by 30 % (R821-4, cessation d'activité), as
//!   OpenFisca does whatever the reason the activity stopped.
//! - The partner's earnings (`household.partner_earnings`) count for the prime d'activité only: the joint
//!   calculation of the AAH before 2023-10-01 counts them as nil, and the option of the joint calculation after
//!   that date is not offered.
//! - Housing benefit and family benefits are inputs or ignored, not computed; the prime d'activité before CRDS.

mod aah;
mod esat;
mod explain;
mod input;
mod money;
mod month;
mod parameters;
mod prime_activite;
mod rsdae;
mod scenario;
mod simulate;
mod situation;

#[cfg(test)]
mod cases;
#[cfg(test)]
mod golden;

pub use explain::{AahExplanation, Assessment, PpaExplanation, PpaMonth};
pub use input::{CaseInput, EarningInput, EarningKind, HouseholdInput, Housing, PersonInput};
pub use money::{Cents, Rate};
pub use month::Month;
pub use parameters::{Dated, NoRuleBefore};
pub use rsdae::{HALF_TIME_HUNDREDTHS, half_time_warning};
pub use scenario::{Activity, Change, Hours, MAX_WEEKLY_HOURS, Pay, PayEstimate, check_hours, earnings, smic_pay};
pub use simulate::{
    CaseResult, Explanation, MonthResult, Request, Response, Simulation, answer, parse_request, parse_value, simulate,
};
