//! Money and rates as integers: cents for amounts, millionths for rates, and an exact intermediate.

use std::fmt;
use std::ops::{Add, Sub};

/// An amount in euro cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Cents(pub i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// Euros as a JSON number, rounded to the cent.
    pub fn from_euros(euros: f64) -> Option<Cents> {
        let cents = (euros * 100.0).round();
        (euros.is_finite() && cents.abs() < 1e15).then_some(Cents(cents as i64))
    }

    pub fn euros(self) -> f64 {
        self.0 as f64 / 100.0
    }

    pub fn exact(self) -> Exact {
        Exact(i128::from(self.0) * Exact::PER_CENT)
    }
}

impl Add for Cents {
    type Output = Cents;
    fn add(self, other: Cents) -> Cents {
        Cents(self.0 + other.0)
    }
}

impl Sub for Cents {
    type Output = Cents;
    fn sub(self, other: Cents) -> Cents {
        Cents(self.0 - other.0)
    }
}

impl std::iter::Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        Cents(iter.map(|c| c.0).sum())
    }
}

/// Euros in JSON, rounded to the cent.
impl serde::Serialize for Cents {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.euros())
    }
}

/// French display: `1 033,32 €`.
impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::french::money(self.0))
    }
}

/// A rate in millionths (`Rate(610_000)` is 61 %), exact for every rate the texts publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(pub i64);

impl Rate {
    pub const ZERO: Rate = Rate(0);
    pub const ONE: Rate = Rate(1_000_000);

    /// `1 + a + b + ...` style sums of rates.
    pub const fn plus(self, other: Rate) -> Rate {
        Rate(self.0 + other.0)
    }

    pub const fn times(self, n: i64) -> Rate {
        Rate(self.0 * n)
    }

    pub fn complement(self) -> Rate {
        Rate(Rate::ONE.0 - self.0)
    }
}

/// French display: `29,101 %`.
impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format!("{}", self.0 as f64 / 10_000.0).replace('.', ",");
        write!(f, "{text} %")
    }
}

/// An intermediate amount in millionths of a cent: products with rates stay exact and the result is rounded
/// to the cent once, at the end, as OpenFisca does (rounding every step would drift by several cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Exact(i128);

impl Exact {
    const PER_CENT: i128 = 1_000_000;
    pub const ZERO: Exact = Exact(0);

    pub fn times(self, rate: Rate) -> Exact {
        Exact(self.0 * i128::from(rate.0) / 1_000_000)
    }

    pub fn times_n(self, n: i64) -> Exact {
        Exact(self.0 * i128::from(n))
    }

    pub fn div_n(self, n: i64) -> Exact {
        Exact(self.0 / i128::from(n))
    }

    /// `self * numerator / denominator`, for the linear ramps of the texts.
    pub fn scale(self, numerator: Exact, denominator: Exact) -> Exact {
        Exact(self.0 * numerator.0 / denominator.0)
    }

    pub fn at_least_zero(self) -> Exact {
        self.max(Exact::ZERO)
    }

    /// Rounded half away from zero.
    pub fn round(self) -> Cents {
        let half = Self::PER_CENT / 2;
        let cents = if self.0 >= 0 {
            (self.0 + half) / Self::PER_CENT
        } else {
            (self.0 - half) / Self::PER_CENT
        };
        Cents(cents as i64)
    }
}

impl Add for Exact {
    type Output = Exact;
    fn add(self, other: Exact) -> Exact {
        Exact(self.0 + other.0)
    }
}

impl Sub for Exact {
    type Output = Exact;
    fn sub(self, other: Exact) -> Exact {
        Exact(self.0 - other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_round_to_the_cent() {
        assert_eq!(Cents::from_euros(337.845), Some(Cents(33785)));
        assert_eq!(Cents::from_euros(f64::NAN), None);
        assert_eq!(Cents(103_332).euros(), 1033.32);
    }

    #[test]
    fn exact_products_round_once() {
        // 61 % of 0.05 € is 0.0305 €: rounded at the end, not on the way.
        let x = Cents(5).exact().times(Rate(610_000)).times_n(3);
        assert_eq!(x.round(), Cents(9));
        assert_eq!(Cents(-5).exact().times(Rate(500_000)).round(), Cents(-3));
    }

    #[test]
    fn french_display() {
        assert_eq!(Cents(103_332).to_string(), "1\u{202f}033,32 €");
        assert_eq!(Cents(-5).to_string(), "-0,05 €");
        assert_eq!(Rate(291_010).to_string(), "29,101 %");
    }
}
