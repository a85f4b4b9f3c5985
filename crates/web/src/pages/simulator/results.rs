//! The simulator's results: each scenario month by month with its reasons, the chart of total incomes and
//! the assumptions made.

use super::form::{Plan, SimulatorForm, field_of};
use passerelle_domain::benefits::{
    self, Activity, CaseInput, Cents, Change, EarningKind, Hours, Housing, Month, MonthResult, Pay, Rate, smic_pay,
};
use passerelle_domain::calendar::MONTH_NAMES;

const SHORT_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
];

/// `janvier 2026`.
pub(super) fn month_name(m: Month) -> String {
    format!("{} {}", MONTH_NAMES[usize::from(m.number() - 1)], m.year())
}

/// One line of a series' table.
pub struct Row {
    pub id: String,
    pub month: String,
    pub earnings: String,
    pub aah: String,
    pub mva: String,
    /// Whether the majoration pour la vie autonome is paid this month.
    pub mva_paid: bool,
    pub prime: String,
    pub total: String,
    /// Compared with the same month without change; `None` for that series itself.
    pub difference: Option<String>,
    /// A month after the end of the scenario's new activity.
    pub after_end: bool,
    pub aah_reasons: Vec<String>,
    pub prime_reasons: Vec<String>,
}

/// The situation without change, or one scenario, simulated.
pub struct Series {
    pub key: String,
    /// 0 for the situation without change, then the scenario's number: the chart's line style.
    pub style: usize,
    pub title: String,
    pub summary: String,
    pub notes: Vec<String>,
    /// Warnings the person must read (the RSDAE above half-time).
    pub warnings: Vec<String>,
    pub rows: Vec<Row>,
    pub total: String,
    pub comparison: Option<String>,
    /// The figures a saved simulation keeps: each month's total, the period's, and its difference with no change.
    pub monthly_totals: Vec<Cents>,
    pub total_cents: Cents,
    pub difference: Option<Cents>,
}

pub struct Tick {
    pub pos: i64,
    pub label: String,
    /// Under a month's label, at the first month and each January.
    pub year: Option<String>,
}

pub struct Line {
    pub style: usize,
    pub points: String,
    pub dots: Vec<(i64, i64)>,
}

/// The chart of the total income per series, drawn on the server as SVG.
pub struct Chart {
    pub width: i64,
    pub height: i64,
    pub left: i64,
    pub right: i64,
    pub bottom: i64,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub lines: Vec<Line>,
    pub description: String,
}

/// The results of a simulation, ready to show.
pub struct Results {
    /// The first simulated month, for a saved simulation's summary.
    pub first_month: Month,
    pub period: String,
    /// The day of the simulation, for the printed copy.
    pub made_on: String,
    pub assumptions: Vec<(String, String)>,
    pub series: Vec<Series>,
    pub chart: Chart,
    /// The comparison table, the chart's text alternative: month, then the total of each series.
    pub months: Vec<(String, Vec<String>)>,
}

pub(super) fn signed(c: Cents) -> String {
    if c > Cents::ZERO {
        format!("+{c}")
    } else if c < Cents::ZERO {
        format!("−{}", Cents(-c.0))
    } else {
        c.to_string()
    }
}

pub(super) fn pay_label(pay: Pay) -> String {
    match pay {
        Pay::Net(net) => format!("{net} net par mois"),
        Pay::SmicHours(h) => format!("{} par semaine au SMIC", Hours(h)),
    }
}

pub(super) fn current_label(current: Option<Activity>) -> String {
    match current {
        None => "sans activité".into(),
        Some(a) => {
            let what = match a.kind {
                EarningKind::Esat => "travail en ESAT",
                EarningKind::Ordinary => "emploi en milieu ordinaire",
            };
            format!("{what}, {}", pay_label(a.pay))
        }
    }
}

pub(super) fn change_label(c: &Change) -> String {
    let what = match (c.activity.kind, c.keeps_current) {
        (EarningKind::Esat, _) => "Travail en ESAT à la place de l'activité actuelle",
        (EarningKind::Ordinary, false) => "Emploi en milieu ordinaire à la place de l'activité actuelle",
        (EarningKind::Ordinary, true) => "Emploi en milieu ordinaire en plus de l'activité actuelle (double activité)",
    };
    let until = c
        .end
        .map_or(String::new(), |end| format!(" jusqu'en {} inclus", month_name(end)));
    format!(
        "{what}, {}, à partir de {}{until}",
        pay_label(c.activity.pay),
        month_name(c.start)
    )
}

/// Runs the plan: the situation without change, then each scenario. A domain error is recorded on the form.
pub(super) fn run(form: &mut SimulatorForm, plan: &Plan, today: time::Date) -> Option<Results> {
    let mut simulated: Vec<(usize, Option<&Change>, Vec<MonthResult>)> = Vec::new();
    let series = std::iter::once((0, None)).chain(plan.scenarios.iter().map(|(n, c)| (*n, Some(c))));
    for (n, change) in series {
        let scenario = change.map(|_| n);
        let case = benefits::earnings(plan.current, change, &plan.months).and_then(|earnings| {
            benefits::simulate(&CaseInput {
                id: None,
                person: plan.person.clone(),
                household: plan.household.clone(),
                earnings,
                months: plan.months.clone(),
            })
        });
        match case {
            Ok(s) => simulated.push((n, change, s.results)),
            Err(e) => {
                let id = field_of(&e, scenario);
                form.fail(&id, e.message);
                return None;
            }
        }
    }
    let baseline: Vec<Cents> = simulated[0].2.iter().map(|r| r.total).collect();
    let baseline_total: Cents = baseline.iter().copied().sum();
    let count = plan.months.len();
    let series: Vec<Series> = simulated
        .iter()
        .map(|(n, change, results)| {
            let key = if *n == 0 { "actuel".to_owned() } else { format!("s{n}") };
            let total: Cents = results.iter().map(|r| r.total).sum();
            let rows = results
                .iter()
                .enumerate()
                .map(|(i, r)| Row {
                    id: format!("{key}-{}", r.month),
                    month: month_name(r.month),
                    earnings: r.earnings.to_string(),
                    aah: r.aah.to_string(),
                    mva: r.mva.to_string(),
                    mva_paid: r.mva > Cents::ZERO,
                    prime: r.prime_activite.to_string(),
                    total: r.total.to_string(),
                    difference: change.map(|_| signed(r.total - baseline[i])),
                    after_end: change.and_then(|c| c.end).is_some_and(|end| r.month > end),
                    aah_reasons: r.explain.aah.reasons.clone(),
                    prime_reasons: r.explain.prime_activite.reasons.clone(),
                })
                .collect();
            let mut notes = Vec::new();
            if let Some(Change {
                activity: Activity {
                    pay: Pay::SmicHours(h), ..
                },
                start,
                ..
            }) = change
            {
                let first = plan.months.first().copied().unwrap_or(*start).max(*start);
                if let Ok(p) = smic_pay(*h, first) {
                    notes.push(format!("Salaire estimé : {}", p.explanation));
                }
            }
            let mut warnings = Vec::new();
            if let Some(c) = change {
                let incapacity = Rate((plan.person.incapacity_rate * 1_000_000.0).round() as i64);
                let from = plan.months.first().copied().unwrap_or(c.start).max(c.start);
                if let Ok(Some(w)) = benefits::half_time_warning(incapacity, &c.activity, from) {
                    warnings.push(w);
                }
                if let Some(end) = c.end.filter(|end| plan.months.last().is_some_and(|last| end < last)) {
                    let after = if c.keeps_current {
                        "seule l'activité actuelle continue"
                    } else {
                        "il n'y a plus de revenu d'activité"
                    };
                    notes.push(format!(
                        "Après la fin de l'emploi, à partir de {}, {after} : les mois marqués « après l'emploi » \
                         montrent l'AAH qui revient (elle relit les revenus du trimestre précédent, puis ceux de \
                         l'année N-2 avec un abattement de 30 % quand il n'y a plus d'activité).",
                        month_name(end.offset(1))
                    ));
                }
            }
            let comparison = change.map(|_| {
                let d = total - baseline_total;
                let months = format!("Sur {count} mois");
                if d > Cents::ZERO {
                    format!("{months} : {d} de plus que sans changement.")
                } else if d < Cents::ZERO {
                    format!("{months} : {} de moins que sans changement.", Cents(-d.0))
                } else {
                    format!("{months} : autant que sans changement.")
                }
            });
            Series {
                title: if *n == 0 {
                    "Sans changement".to_owned()
                } else {
                    format!("Scénario {n}")
                },
                summary: match change {
                    None => format!(
                        "Activité actuelle : {}, sur toute la période",
                        current_label(plan.current)
                    ),
                    Some(c) => change_label(c),
                },
                key,
                style: *n,
                notes,
                warnings,
                rows,
                total: total.to_string(),
                comparison,
                monthly_totals: results.iter().map(|r| r.total).collect(),
                total_cents: total,
                difference: change.map(|_| total - baseline_total),
            }
        })
        .collect();
    let months = plan
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                month_name(*m),
                simulated.iter().map(|(_, _, r)| r[i].total.to_string()).collect(),
            )
        })
        .collect();
    let chart = chart(&plan.months, &simulated, &series);
    let (first, last) = (plan.months[0], plan.months[count - 1]);
    Some(Results {
        first_month: first,
        period: format!("de {} à {}", month_name(first), month_name(last)),
        made_on: format!(
            "{} {} {}",
            match today.day() {
                1 => "1er".to_owned(),
                d => d.to_string(),
            },
            MONTH_NAMES[usize::from(today.month() as u8 - 1)],
            today.year()
        ),
        assumptions: assumptions(form, plan),
        series,
        chart,
        months,
    })
}

pub(super) fn assumptions(form: &SimulatorForm, plan: &Plan) -> Vec<(String, String)> {
    let yes_no = |b: bool| if b { "oui" } else { "non" }.to_owned();
    let housing = match plan.household.housing {
        Housing::Tenant => "locataire",
        Housing::Owner => "propriétaire",
        Housing::Free => "logé gratuitement",
    };
    vec![
        ("Date de naissance".into(), plan.person.birth_date.clone()),
        ("Taux d'incapacité".into(), format!("{} %", form.incapacity.trimmed())),
        ("RSDAE reconnue".into(), yes_no(plan.person.rsdae)),
        ("En couple".into(), yes_no(plan.household.couple)),
        ("Enfants à charge".into(), plan.household.children.to_string()),
        ("Ascendants à charge".into(), plan.household.ascendants.to_string()),
        (
            "Revenus du conjoint".into(),
            format!(
                "{} nets par mois",
                Cents::from_euros(plan.household.partner_earnings).unwrap_or_default()
            ),
        ),
        ("Logement".into(), housing.into()),
        (
            "Aide au logement".into(),
            format!(
                "{} par mois",
                Cents::from_euros(plan.household.housing_benefit).unwrap_or_default()
            ),
        ),
        ("Activité actuelle".into(), current_label(plan.current)),
    ]
}

/// Euros without cents, for the chart's scale: `1 500 €`.
pub(super) fn whole_euros(c: Cents) -> String {
    c.to_string().replace(",00 €", " €")
}

pub(super) fn chart(
    months: &[Month],
    simulated: &[(usize, Option<&Change>, Vec<MonthResult>)],
    series: &[Series],
) -> Chart {
    let (width, height) = (760, 340);
    let (left, right, top, bottom) = (80, width - 20, 20, height - 50);
    let max = simulated
        .iter()
        .flat_map(|(_, _, r)| r.iter().map(|m| m.total.0))
        .max()
        .unwrap_or(0);
    // A step of 50, 100, 200, 250, 500, 1 000 ... euros giving at most 6 intervals.
    let step = [5_000i64, 10_000, 20_000, 25_000, 50_000]
        .iter()
        .flat_map(|s| (0..6).map(move |p| s * 10i64.pow(p)))
        .filter(|s| max <= s * 6)
        .min()
        .unwrap_or(5_000);
    let scale_top = ((max + step - 1) / step).max(1) * step;
    let y = |cents: i64| bottom - (cents * (bottom - top)) / scale_top;
    let n = months.len() as i64;
    let x = |i: i64| {
        if n <= 1 {
            (left + right) / 2
        } else {
            left + i * (right - left) / (n - 1)
        }
    };
    let y_ticks = (0..=scale_top / step)
        .map(|k| Tick {
            pos: y(k * step),
            label: whole_euros(Cents(k * step)),
            year: None,
        })
        .collect();
    let every = ((n + 11) / 12).max(1);
    let x_ticks = months
        .iter()
        .enumerate()
        .filter(|(i, _)| (*i as i64) % every == 0)
        .map(|(i, m)| Tick {
            pos: x(i as i64),
            label: SHORT_MONTHS[usize::from(m.number() - 1)].to_owned(),
            year: (i == 0 || m.number() == 1).then(|| m.year().to_string()),
        })
        .collect();
    let lines = simulated
        .iter()
        .map(|(n, _, results)| {
            let dots: Vec<(i64, i64)> = results
                .iter()
                .enumerate()
                .map(|(i, r)| (x(i as i64), y(r.total.0)))
                .collect();
            Line {
                style: *n,
                points: dots
                    .iter()
                    .map(|(x, y)| format!("{x},{y}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                dots,
            }
        })
        .collect();
    let ranges: Vec<String> = simulated
        .iter()
        .zip(series)
        .map(|((_, _, r), s)| {
            let (lo, hi) = (
                r.iter().map(|m| m.total).min().unwrap_or_default(),
                r.iter().map(|m| m.total).max().unwrap_or_default(),
            );
            if lo == hi {
                format!("{} : {lo} chaque mois", s.title)
            } else {
                format!("{} : de {lo} à {hi}", s.title)
            }
        })
        .collect();
    Chart {
        width,
        height,
        left,
        right,
        bottom,
        y_ticks,
        x_ticks,
        lines,
        description: format!(
            "Courbes du revenu total mensuel, {} mois. {}. Les montants de chaque mois sont dans le tableau qui suit.",
            n,
            ranges.join(" ; ")
        ),
    }
}
