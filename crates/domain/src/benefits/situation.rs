//! The validated situation a simulation works on, built from the JSON input.

use super::esat;
use super::input::{CaseInput, EarningKind, Housing};
use super::money::{Cents, Rate};
use super::month::Month;
use super::parameters::{MONTHLY_HOURS_HUNDREDTHS, NET_SHARE_OF_GROSS_PAY, SMIC_HOURLY};
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
    /// Gross rémunération garantie, given or estimated from the net pay.
    pub esat_gross: Cents,
    /// The part of `esat_gross` the ESAT finances, given or found from the aide au poste (R243-6 CASF).
    pub esat_part: Cents,
    /// The gross monthly SMIC of a month with ESAT pay, zero otherwise: sums of `esat_part` are compared with it.
    pub esat_smic: Cents,
    /// Whether `esat_gross` was estimated rather than given.
    pub esat_gross_estimated: bool,
}

impl MonthEarnings {
    pub fn net(&self) -> Cents {
        self.ordinary_net + self.esat_net
    }

    fn plus(self, e: MonthEarnings) -> MonthEarnings {
        MonthEarnings {
            ordinary_net: self.ordinary_net + e.ordinary_net,
            ordinary_taxable: self.ordinary_taxable + e.ordinary_taxable,
            esat_net: self.esat_net + e.esat_net,
            esat_taxable: self.esat_taxable + e.esat_taxable,
            esat_gross: self.esat_gross + e.esat_gross,
            esat_part: self.esat_part + e.esat_part,
            esat_smic: self.esat_smic + e.esat_smic,
            esat_gross_estimated: self.esat_gross_estimated || e.esat_gross_estimated,
        }
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
    /// The partner's net earnings each month (zero for a person alone).
    pub partner_earnings: Cents,
    earnings: BTreeMap<Month, MonthEarnings>,
    /// D821-9 1°: the months whose AAH leaves the earnings out, with the month the activity started.
    new_activity: BTreeMap<Month, Month>,
    /// Months asked, in the order given.
    pub months: Vec<Month>,
}

impl Situation {
    pub fn earnings(&self, month: Month) -> MonthEarnings {
        self.earnings.get(&month).copied().unwrap_or_default()
    }

    /// D821-9 1°: the month the activity started, if the AAH of `month` leaves the earnings out.
    pub fn new_activity_start(&self, month: Month) -> Option<Month> {
        self.new_activity.get(&month).copied()
    }

    /// The same situation without the rule of D821-9 1°, as OpenFisca-France computes it (the golden test).
    #[cfg(test)]
    pub fn without_new_activity_rule(mut self) -> Situation {
        self.new_activity.clear();
        self
    }

    /// D821-9 1° (from 2011-01-01): an activity in ordinary employment starts in a month with earnings after a
    /// calendar month without any; the AAH of that month and the five after it, while the activity goes on, leaves
    /// the earnings out, as long as no more than six months are left out in any twelve consecutive months. The AAH right is assumed open
    /// before the start (the rule does not apply to an activity begun before it).
    fn new_activity_months(
        earnings: &BTreeMap<Month, MonthEarnings>,
        first: Month,
        last: Month,
    ) -> Result<BTreeMap<Month, Month>, super::parameters::NoRuleBefore> {
        use super::parameters::{AAH_NEW_ACTIVITY_MONTHS, AAH_NEW_ACTIVITY_WINDOW};
        let ordinary = |m: Month| earnings.get(&m).is_some_and(|e| e.ordinary_net > Cents::ZERO);
        let mut out = BTreeMap::new();
        let mut start: Option<Month> = None;
        let mut month = first;
        while month <= last {
            if ordinary(month) && !ordinary(month.offset(-1)) {
                start = Some(month);
            }
            let day = month.first_day();
            if let Some(s) = start
                && day >= AAH_NEW_ACTIVITY_MONTHS.first_date()
            {
                let length = AAH_NEW_ACTIVITY_MONTHS.at(day)?;
                let recent = out.range(month.offset(1 - AAH_NEW_ACTIVITY_WINDOW)..month).count();
                // Only a month whose AAH reads the earnings (an activity this month: the quarterly assessment)
                // uses the rule and counts towards its six months.
                if ordinary(month) && month.months_since(s) < length && (recent as i32) < length {
                    out.insert(month, s);
                }
            }
            month = month.offset(1);
        }
        Ok(out)
    }

    /// Earnings of a calendar year, summed.
    pub fn year_earnings(&self, year: i32) -> MonthEarnings {
        let (first, last) = (Month::new(year, 1), Month::new(year, 12));
        let (Some(first), Some(last)) = (first, last) else {
            return MonthEarnings::default();
        };
        self.earnings
            .range(first..=last)
            .fold(MonthEarnings::default(), |sum, (_, e)| sum.plus(*e))
    }

    /// Earnings of the months given, summed.
    pub fn sum_of(&self, months: &[Month]) -> MonthEarnings {
        months
            .iter()
            .fold(MonthEarnings::default(), |sum, m| sum.plus(self.earnings(*m)))
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
        let partner_earnings = euros(household.partner_earnings, "household.partner_earnings")?;
        if partner_earnings > Cents::ZERO && !household.couple {
            return Err(Invalid::new(
                "partner_earnings_without_couple",
                "Les revenus d'un conjoint ne se donnent que pour une personne en couple.",
            )
            .on("household.partner_earnings"));
        }
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
            let given = |v: Option<f64>, what: &str| v.map(|v| euros(v, &format!("{field}.{what}"))).transpose();
            let (gross, part) = (given(e.gross, "gross")?, given(e.esat_part, "esat_part")?);
            let month = earnings.entry(e.month).or_default();
            match e.kind {
                EarningKind::Ordinary => {
                    if let Some(what) = [(gross, "gross"), (part, "esat_part")]
                        .iter()
                        .find(|(v, _)| v.is_some())
                    {
                        return Err(Invalid::new(
                            "esat_field_on_ordinary",
                            "Le brut et la part financée par l'ESAT ne se donnent que pour une rémunération d'ESAT.",
                        )
                        .on(format!("{field}.{}", what.1)));
                    }
                    (month.ordinary_net, month.ordinary_taxable) = (net, taxable)
                }
                EarningKind::Esat => {
                    let rules = |e: super::parameters::NoRuleBefore| e.invalid().on(field.clone());
                    // Pay before the first SMIC known (2017) is read with the parameters of that year: it never
                    // counts for a month the AAH rules cover (from 2019-11, whose year N-2 is 2017), and asking
                    // for earlier months fails on `months`. The net share of 2019 estimates 2017 and 2018 too.
                    let day = e.month.first_day().max(SMIC_HOURLY.first_date());
                    let smic = SMIC_HOURLY
                        .at(day)
                        .map_err(rules)?
                        .exact()
                        .times_n(MONTHLY_HOURS_HUNDREDTHS)
                        .div_n(100);
                    let (gross, estimated) = match gross {
                        Some(g) if g < net => {
                            return Err(Invalid::new(
                                "esat_gross_below_net",
                                format!("La rémunération brute {g} ne peut pas être inférieure à la nette {net}."),
                            )
                            .on(format!("{field}.gross")));
                        }
                        Some(g) => (g, false),
                        None => {
                            let share = NET_SHARE_OF_GROSS_PAY.at_or_first(day);
                            (
                                net.exact()
                                    .scale(Cents(1).exact(), Cents(1).exact().times(share))
                                    .round(),
                                true,
                            )
                        }
                    };
                    let part = match part {
                        Some(p) if p > gross => {
                            return Err(Invalid::new(
                                "esat_part_above_pay",
                                format!(
                                    "La part financée par l'ESAT ({p}) ne peut pas dépasser la rémunération garantie \
                                     brute ({gross})."
                                ),
                            )
                            .on(format!("{field}.esat_part")));
                        }
                        Some(p) => p,
                        None => esat::esat_part(gross, smic, day).map_err(rules)?.round(),
                    };
                    (month.esat_net, month.esat_taxable) = (net, taxable);
                    (month.esat_gross, month.esat_part, month.esat_smic) = (gross, part, smic.round());
                    month.esat_gross_estimated = estimated;
                }
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
        let from = earnings.keys().next().copied().unwrap_or(*first).min(first.offset(-3));
        let new_activity = Self::new_activity_months(&earnings, from, *last).map_err(|e| e.invalid().on("months"))?;
        Ok(Situation {
            new_activity,
            birth_date,
            incapacity: Rate((rate * 1_000_000.0).round() as i64),
            rsdae: input.person.rsdae,
            couple: household.couple,
            children: i64::from(household.children),
            ascendants: i64::from(household.ascendants),
            housing: household.housing,
            housing_benefit,
            partner_earnings,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benefits::input::{EarningInput, PersonInput};

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    fn left_out(worked: &[&str], months: &[&str]) -> Vec<(String, String)> {
        let case = CaseInput {
            id: None,
            person: PersonInput {
                birth_date: "1990-01-10".into(),
                incapacity_rate: 0.8,
                rsdae: false,
            },
            household: Default::default(),
            earnings: worked
                .iter()
                .map(|w| EarningInput {
                    month: m(w),
                    kind: EarningKind::Ordinary,
                    net: 900.0,
                    taxable: None,
                    gross: None,
                    esat_part: None,
                })
                .collect(),
            months: months.iter().map(|s| m(s)).collect(),
        };
        let s = Situation::from_input(&case).unwrap();
        s.new_activity
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn range(from: &str, to: &str) -> Vec<String> {
        let (mut a, b) = (m(from), m(to));
        let mut out = Vec::new();
        while a <= b {
            out.push(a.to_string());
            a = a.offset(1);
        }
        out
    }

    fn strs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    #[test]
    fn d821_9_earnings_of_a_new_activity_are_left_out_six_months() {
        // D821-9 1° (décret 2010-1403, from 2011-01-01): no earnings in the previous month, a start: the AAH of
        // the month of the start and of the five after it leaves the earnings out.
        let job = range("2025-03", "2025-12");
        let got = left_out(&strs(&job), &["2025-01", "2025-12"]);
        let expected: Vec<(String, String)> = range("2025-03", "2025-08")
            .into_iter()
            .map(|m| (m, "2025-03".into()))
            .collect();
        assert_eq!(got, expected);

        // A job held since before the data starts its window at its first month: nothing left out later.
        let steady = range("2024-01", "2025-12");
        let got = left_out(&strs(&steady), &["2025-06"]);
        assert_eq!(got.last().map(|(m, _)| m.as_str()), Some("2024-06"));

        // A stop then a new start: at most six months in any twelve consecutive months. Jan-Mar 2025 worked
        // (left out), April without, a new start in May: May, June and July left out (six in May 2024-Apr 2025
        // ... July 2025), then August would be the seventh in twelve months.
        let mut twice = range("2025-01", "2025-03");
        twice.extend(range("2025-05", "2025-12"));
        let got: Vec<String> = left_out(&strs(&twice), &["2024-12", "2025-12"])
            .into_iter()
            .map(|(m, _)| m)
            .collect();
        assert_eq!(got, ["2025-01", "2025-02", "2025-03", "2025-05", "2025-06", "2025-07"]);

        // Nothing worked: nothing left out.
        assert!(left_out(&[], &["2025-06"]).is_empty());
    }
}
