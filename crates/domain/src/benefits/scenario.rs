//! Scenarios of the simulator page: today's activity, continued or changed from a month on, turned into the
//! earnings of a case; and the pay of a number of hours a week at the SMIC.

use super::input::{EarningInput, EarningKind};
use super::money::{Cents, Rate};
use super::month::Month;
use super::parameters::{NET_SHARE_OF_GROSS_PAY, NoRuleBefore, SMIC_HOURLY, WEEKS_PER_YEAR};
use crate::invalid::Invalid;
use std::fmt;

/// The most hours a week of work (Code du travail, L3121-20).
pub const MAX_WEEKLY_HOURS: i64 = 48;

/// How an activity is paid each month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pay {
    /// A net monthly amount.
    Net(Cents),
    /// Hours a week, in hundredths of an hour, at the hourly SMIC of each month, net of the employee's
    /// contributions (`smic_pay`).
    SmicHours(i64),
}

/// One activity and its pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity {
    pub kind: EarningKind,
    pub pay: Pay,
}

/// A change of activity from a month on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub activity: Activity,
    pub start: Month,
    /// The last month of the new activity, if it ends within the period: from the month after, only the current
    /// activity goes on if it was kept beside the new one, and nothing otherwise (the AAH comes back).
    pub end: Option<Month>,
    /// The current activity goes on beside the new one (double activity ESAT and ordinary employment, décret
    /// 2022-1614) rather than stopping.
    pub keeps_current: bool,
}

/// The pay of a number of hours a week at the SMIC, for one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayEstimate {
    pub gross: Cents,
    pub net: Cents,
    /// How the amounts were found, in French.
    pub explanation: String,
}

/// Hours in hundredths, French style: `24,5 h`, `35 h`.
pub struct Hours(pub i64);

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, hundredths) = (self.0 / 100, self.0 % 100);
        match hundredths {
            0 => write!(f, "{whole} h"),
            h if h % 10 == 0 => write!(f, "{whole},{} h", h / 10),
            h => write!(f, "{whole},{h:02} h"),
        }
    }
}

/// The monthly pay of `hours` (hundredths of an hour) a week at the gross hourly SMIC of `month`: hours times
/// 52 / 12 (35 h a week are the legal 151,67 h a month), net of the employee's contributions of an ordinary job
/// (`NET_SHARE_OF_GROSS_PAY`). An estimate: the pay slip gives the real figure.
pub fn smic_pay(hours: i64, month: Month) -> Result<PayEstimate, Invalid> {
    check_hours(hours)?;
    let day = month.first_day();
    let rules = |e: NoRuleBefore| e.invalid().on("start");
    let hourly = SMIC_HOURLY.at(day).map_err(rules)?;
    let share: Rate = NET_SHARE_OF_GROSS_PAY.at(day).map_err(rules)?;
    let gross = hourly.exact().times_n(hours).times_n(WEEKS_PER_YEAR).div_n(12 * 100);
    let (net, gross) = (gross.times(share).round(), gross.round());
    Ok(PayEstimate {
        gross,
        net,
        explanation: format!(
            "{} par semaine au SMIC horaire brut de {hourly} ({month}) : {gross} brut par mois, environ {net} net \
             après les cotisations salariales (environ {} %).",
            Hours(hours),
            format!("{:.2}", share.complement().0 as f64 / 10_000.0).replace('.', ",")
        ),
    })
}

/// Hours a week (in hundredths) must be more than 0 and at most the legal maximum.
pub fn check_hours(hours: i64) -> Result<(), Invalid> {
    if hours <= 0 || hours > MAX_WEEKLY_HOURS * 100 {
        return Err(Invalid::new(
            "hours_invalid",
            format!(
                "La durée de travail de {} par semaine doit être comprise entre 0 et {MAX_WEEKLY_HOURS} h.",
                Hours(hours)
            ),
        )
        .on("hours"));
    }
    Ok(())
}

impl Activity {
    /// The net pay of the activity in `month`.
    pub fn net(&self, month: Month) -> Result<Cents, Invalid> {
        match self.pay {
            Pay::Net(net) => Ok(net),
            Pay::SmicHours(hours) => smic_pay(hours, month).map(|p| p.net),
        }
    }
}

/// The earnings of a case simulating `months`: the current activity from January of year N-2 of the reference
/// quarter before the first month (the prime d'activité of a month reads the AAH of the three months before,
/// and the AAH of a month without ordinary earnings reads the taxable earnings of year N-2; the simulator
/// assumes today's activity has lasted that long) until the change starts, then the change, with or without
/// the current activity beside it, until the change's end if any. Taxable earnings are taken equal to net
/// earnings.
pub fn earnings(
    current: Option<Activity>,
    change: Option<&Change>,
    months: &[Month],
) -> Result<Vec<EarningInput>, Invalid> {
    let (Some(first), Some(last)) = (months.iter().min(), months.iter().max()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let Some(mut month) = Month::new(first.offset(-3).year() - 2, 1) else {
        return Ok(out);
    };
    while month <= *last {
        let mut active: Vec<Activity> = Vec::with_capacity(2);
        match change {
            Some(c) if c.start <= month => {
                if c.end.is_none_or(|end| month <= end) {
                    active.push(c.activity);
                }
                if c.keeps_current {
                    active.extend(current);
                }
            }
            _ => active.extend(current),
        }
        let (mut ordinary, mut esat) = (Cents::ZERO, Cents::ZERO);
        for a in &active {
            let net = a.net(month)?;
            match a.kind {
                EarningKind::Ordinary => ordinary = ordinary + net,
                EarningKind::Esat => esat = esat + net,
            }
        }
        for (kind, net) in [(EarningKind::Ordinary, ordinary), (EarningKind::Esat, esat)] {
            if net > Cents::ZERO {
                out.push(EarningInput {
                    month,
                    kind,
                    net: net.euros(),
                    taxable: None,
                    gross: None,
                    esat_part: None,
                });
            }
        }
        month = month.offset(1);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn full_time_at_the_smic_is_the_published_net_smic() {
        // 2025: 11,88 € x 151,67 h = 1 801,80 € gross, 1 426,30 € net (published figures).
        let p = smic_pay(3500, m("2025-06")).unwrap();
        assert_eq!((p.gross, p.net), (Cents(180_180), Cents(142_630)));
        assert!(
            p.explanation
                .starts_with("35 h par semaine au SMIC horaire brut de 11,88 €"),
            "{}",
            p.explanation
        );
        // The SMIC of June 2026 (12,31 €) applies from that month.
        assert_eq!(smic_pay(3500, m("2026-06")).unwrap().gross, Cents(186_702));
        assert_eq!(smic_pay(2450, m("2025-06")).unwrap().gross, Cents(126_126));
    }

    #[test]
    fn hours_out_of_range_are_refused() {
        for hours in [0, -100, 4801] {
            let e = smic_pay(hours, m("2025-06")).unwrap_err();
            assert_eq!((e.code, e.field.as_deref()), ("hours_invalid", Some("hours")));
        }
        assert_eq!(smic_pay(3500, m("2018-06")).unwrap_err().code, "month_before_rules");
        assert_eq!(Hours(2450).to_string(), "24,5 h");
        assert_eq!(Hours(2425).to_string(), "24,25 h");
    }

    #[test]
    fn current_activity_then_the_change() {
        let esat = Activity {
            kind: EarningKind::Esat,
            pay: Pay::Net(Cents(70_000)),
        };
        let job = Activity {
            kind: EarningKind::Ordinary,
            pay: Pay::Net(Cents(90_000)),
        };
        let months = [m("2025-01"), m("2025-02"), m("2025-03")];
        let leave = Change {
            activity: job,
            start: m("2025-03"),
            end: None,
            keeps_current: false,
        };
        let e = earnings(Some(esat), Some(&leave), &months).unwrap();
        // The prime of January 2025 reads the AAH of October 2024, which reads the earnings of 2022: January
        // 2022 to February 2025 in the ESAT, then the job alone in March.
        assert_eq!(e.len(), 38 + 1);
        assert_eq!(
            (e[0].month, e[0].kind, e[0].net),
            (m("2022-01"), EarningKind::Esat, 700.0)
        );
        assert_eq!(
            (e[38].month, e[38].kind, e[38].net),
            (m("2025-03"), EarningKind::Ordinary, 900.0)
        );
        // Double activity: both in March.
        let both = Change {
            keeps_current: true,
            ..leave
        };
        let e = earnings(Some(esat), Some(&both), &months).unwrap();
        assert_eq!(e.len(), 38 + 2);
        // Two ordinary activities add up in one entry.
        let e = earnings(Some(job), Some(&both), &months).unwrap();
        assert_eq!((e.len(), e[38].net), (39, 1800.0));
        // Nothing today and no change: no earnings.
        assert!(earnings(None, None, &months).unwrap().is_empty());
        // A job ending in February: nothing in March (the current ESAT work was left), the ESAT alone when kept.
        let months = [m("2025-01"), m("2025-02"), m("2025-03")];
        let ended = Change {
            start: m("2025-01"),
            end: Some(m("2025-02")),
            ..leave
        };
        let e = earnings(Some(esat), Some(&ended), &months).unwrap();
        assert_eq!(
            e.last().map(|e| (e.month, e.kind)),
            Some((m("2025-02"), EarningKind::Ordinary))
        );
        let kept = Change {
            keeps_current: true,
            ..ended
        };
        let e = earnings(Some(esat), Some(&kept), &months).unwrap();
        assert_eq!(
            e.last().map(|e| (e.month, e.kind)),
            Some((m("2025-03"), EarningKind::Esat))
        );
    }
}
