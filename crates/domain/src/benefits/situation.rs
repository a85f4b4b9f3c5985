//! The validated situation a simulation works on, built from the JSON input.

use super::input::{CaseInput, EarningKind, Housing};
use super::money::{Cents, Rate};
use super::month::Month;
use crate::invalid::Invalid;
use std::collections::BTreeMap;
use time::Date;
use time::format_description::well_known::Iso8601;

/// Longest span of simulated months, and the earliest month with every parameter known.
const MAX_SPAN_MONTHS: i32 = 240;
const MAX_EUROS: f64 = 1_000_000.0;

/// Earnings of one month, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthEarnings {
    pub ordinary_net: Cents,
    pub ordinary_taxable: Cents,
    pub esat_net: Cents,
    pub esat_taxable: Cents,
}

impl MonthEarnings {
    pub fn net(&self) -> Cents {
        self.ordinary_net + self.esat_net
    }
}

#[derive(Debug, Clone)]
pub struct Situation {
    pub birth_date: Date,
    pub incapacity: Rate,
    pub rsdae: bool,
    pub couple: bool,
    pub children: i64,
    /// Dependent ascendants: they count for the ESAT cap (D821-5) only.
    pub ascendants: i64,
    pub housing: Housing,
    pub housing_benefit: Cents,
    earnings: BTreeMap<Month, MonthEarnings>,
    /// Months asked, in the order given.
    pub months: Vec<Month>,
}

impl Situation {
    pub fn earnings(&self, month: Month) -> MonthEarnings {
        self.earnings.get(&month).copied().unwrap_or_default()
    }

    /// Earnings of a calendar year, summed.
    pub fn year_earnings(&self, year: i32) -> MonthEarnings {
        let (first, last) = (Month::new(year, 1), Month::new(year, 12));
        let (Some(first), Some(last)) = (first, last) else {
            return MonthEarnings::default();
        };
        self.earnings
            .range(first..=last)
            .fold(MonthEarnings::default(), |sum, (_, e)| MonthEarnings {
                ordinary_net: sum.ordinary_net + e.ordinary_net,
                ordinary_taxable: sum.ordinary_taxable + e.ordinary_taxable,
                esat_net: sum.esat_net + e.esat_net,
                esat_taxable: sum.esat_taxable + e.esat_taxable,
            })
    }

    /// Age in whole years on `day` (the first day of the month, as the CAF and OpenFisca assess it).
    pub fn age_on(&self, day: Date) -> i32 {
        let birthday_passed = (day.month() as u8, day.day()) >= (self.birth_date.month() as u8, self.birth_date.day());
        day.year() - self.birth_date.year() - i32::from(!birthday_passed)
    }

    pub fn household_size(&self) -> i64 {
        1 + i64::from(self.couple) + self.children
    }

    pub fn from_input(input: &CaseInput) -> Result<Situation, Invalid> {
        let birth_date = Date::parse(&input.person.birth_date, &Iso8601::DATE).map_err(|_| {
            Invalid::new(
                "birth_date_invalid",
                format!(
                    "La date de naissance « {} » doit s'écrire AAAA-MM-JJ.",
                    input.person.birth_date
                ),
            )
            .on("person.birth_date")
        })?;
        let rate = input.person.incapacity_rate;
        if !(0.0..=1.0).contains(&rate) {
            return Err(Invalid::new(
                "incapacity_rate_invalid",
                format!("Le taux d'incapacité {rate} doit être compris entre 0 et 1 (0,8 pour 80 %)."),
            )
            .on("person.incapacity_rate"));
        }
        let household = &input.household;
        if household.children > 20 {
            return Err(Invalid::new(
                "children_invalid",
                "Le nombre d'enfants à charge doit être au plus de 20.",
            )
            .on("household.children"));
        }
        if household.ascendants > 20 {
            return Err(Invalid::new(
                "ascendants_invalid",
                "Le nombre d'ascendants à charge doit être au plus de 20.",
            )
            .on("household.ascendants"));
        }
        let housing_benefit = euros(household.housing_benefit, "household.housing_benefit")?;
        let mut earnings: BTreeMap<Month, MonthEarnings> = BTreeMap::new();
        let mut seen = std::collections::BTreeSet::new();
        for (i, e) in input.earnings.iter().enumerate() {
            let field = format!("earnings[{i}]");
            if !seen.insert((e.month, e.kind)) {
                return Err(Invalid::new(
                    "earnings_duplicated",
                    format!(
                        "Les revenus de {} sont donnés deux fois pour le même type d'activité.",
                        e.month
                    ),
                )
                .on(field));
            }
            let net = euros(e.net, &format!("{field}.net"))?;
            let taxable = match e.taxable {
                Some(t) => euros(t, &format!("{field}.taxable"))?,
                None => net,
            };
            let month = earnings.entry(e.month).or_default();
            match e.kind {
                EarningKind::Ordinary => (month.ordinary_net, month.ordinary_taxable) = (net, taxable),
                EarningKind::Esat => (month.esat_net, month.esat_taxable) = (net, taxable),
            }
        }
        let (Some(first), Some(last)) = (input.months.iter().min(), input.months.iter().max()) else {
            return Err(Invalid::new("months_missing", "Indiquez au moins un mois à simuler.").on("months"));
        };
        if last.offset(-MAX_SPAN_MONTHS) >= *first {
            return Err(Invalid::new(
                "months_span_too_long",
                format!(
                    "Les mois simulés doivent tenir sur {} ans au plus.",
                    MAX_SPAN_MONTHS / 12
                ),
            )
            .on("months"));
        }
        Ok(Situation {
            birth_date,
            incapacity: Rate((rate * 1_000_000.0).round() as i64),
            rsdae: input.person.rsdae,
            couple: household.couple,
            children: i64::from(household.children),
            ascendants: i64::from(household.ascendants),
            housing: household.housing,
            housing_benefit,
            earnings,
            months: input.months.clone(),
        })
    }
}

fn euros(value: f64, field: &str) -> Result<Cents, Invalid> {
    match Cents::from_euros(value) {
        Some(c) if (0.0..=MAX_EUROS).contains(&value) => Ok(c),
        _ => Err(Invalid::new(
            "amount_invalid",
            format!("Le montant {value} doit être positif ou nul et inférieur à 1 000 000 €."),
        )
        .on(field)),
    }
}
