//! Tenant session settings in the file's terms: human durations (`15m`, `12h`, `2d`, `4w`) and
//! the wire's value + unit (`15` + `"minutes"`), and the console's rule on session tokens.

use std::fmt;

use crate::rules::FieldProblem;

/// A unit of the service's session settings (wire: `minutes`, `hours`, `days`, `weeks`).
///
/// The service has no seconds for tenant settings (only the project-level settings of the
/// community Terraform provider do), so the file has none either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DurationUnit {
    Minutes,
    Hours,
    Days,
    Weeks,
}

impl DurationUnit {
    /// Largest first: the order in which a duration looks for the unit that expresses it.
    pub const ALL: [DurationUnit; 4] = [Self::Weeks, Self::Days, Self::Hours, Self::Minutes];

    /// The wire's name (`"minutes"` …), as in `sessionTokenExpirationUnit`.
    #[must_use]
    pub fn wire(self) -> &'static str {
        match self {
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::Days => "days",
            Self::Weeks => "weeks",
        }
    }

    /// The unit with the wire name `name` (case-insensitive), if the service has it.
    #[must_use]
    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|u| u.wire().eq_ignore_ascii_case(name))
    }

    /// The letter the file writes after the number (`m`, `h`, `d`, `w`).
    #[must_use]
    pub fn suffix(self) -> char {
        match self {
            Self::Minutes => 'm',
            Self::Hours => 'h',
            Self::Days => 'd',
            Self::Weeks => 'w',
        }
    }

    /// Minutes in one of this unit.
    #[must_use]
    pub fn minutes(self) -> u64 {
        match self {
            Self::Minutes => 1,
            Self::Hours => 60,
            Self::Days => 60 * 24,
            Self::Weeks => 60 * 24 * 7,
        }
    }

    fn from_suffix(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|u| s.len() == 1 && s.starts_with(u.suffix()))
    }
}

/// A positive duration as the service stores it: a whole number of one unit.
///
/// Always in its canonical form: the largest unit that expresses the length exactly (`120m` is
/// held as 2 hours, `14d` as 2 weeks). So two durations of the same length are equal, and a
/// duration written out by export reads back as the same value. Compare a live value with
/// [`Duration::minutes`] (the service may hold 120 minutes where the file says `2h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    value: u32,
    unit: DurationUnit,
}

impl Duration {
    /// The largest value the wire carries (a 32-bit signed integer).
    pub const MAX_VALUE: u32 = i32::MAX as u32;

    /// The duration of `total` minutes in its canonical unit; `None` when it is zero or its
    /// value does not fit the wire's integer.
    #[must_use]
    pub fn from_minutes(total: u64) -> Option<Self> {
        if total == 0 {
            return None;
        }
        let unit = DurationUnit::ALL
            .into_iter()
            .find(|u| total.is_multiple_of(u.minutes()))?;
        let value = u32::try_from(total / unit.minutes()).ok()?;
        (value <= Self::MAX_VALUE).then_some(Self { value, unit })
    }

    /// A value and unit as the service returns them (`15`, `"minutes"`), in canonical form;
    /// `None` when the unit is unknown or the value is not positive or too large.
    #[must_use]
    pub fn from_wire(value: i64, unit: &str) -> Option<Self> {
        let unit = DurationUnit::from_wire(unit)?;
        let value = u64::try_from(value).ok()?;
        Self::from_minutes(value.checked_mul(unit.minutes())?)
    }

    /// The number to send (`sessionTokenExpiration`).
    #[must_use]
    pub fn value(self) -> u32 {
        self.value
    }

    /// The unit to send (`sessionTokenExpirationUnit`).
    #[must_use]
    pub fn unit(self) -> DurationUnit {
        self.unit
    }

    /// The length in minutes, to compare durations held in different units.
    #[must_use]
    pub fn minutes(self) -> u64 {
        u64::from(self.value) * self.unit.minutes()
    }
}

/// As the file writes it: `15m`, `12h`, `2d`, `4w`.
impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.value, self.unit.suffix())
    }
}

const UNITS_HELP: &str = "write a whole number and a unit: `m` (minutes), `h` (hours), `d` (days) or `w` (weeks), e.g. `15m`, `12h`, `2d`, `4w`";

/// Reads a duration as the file writes it (`15m`, `12h`, `2d`, `4w`), refusing what the service
/// cannot hold: another unit (seconds included), a fraction of a minute, zero, a negative or an
/// overflowing value. A fraction or a value in a smaller unit than needed is accepted only in
/// its whole form (`1.5h` is refused with `90m` as the fix, so each length has one spelling).
pub fn parse_duration(text: &str) -> Result<Duration, FieldProblem> {
    let t = text.trim();
    let problem = |message: String, help: String| FieldProblem { message, help };
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim_start());
    if number.is_empty() {
        return Err(problem(
            format!("`{t}` is not a duration"),
            UNITS_HELP.to_owned(),
        ));
    }
    if unit.is_empty() {
        return Err(problem(
            format!("`{t}` has no unit"),
            format!(
                "write `{n}m` (minutes), `{n}h` (hours), `{n}d` (days) or `{n}w` (weeks)",
                n = number
            ),
        ));
    }
    let minutes_per = match DurationUnit::from_suffix(unit) {
        Some(u) => Some(u.minutes()),
        None if unit == "s" => None,
        None => {
            return Err(problem(
                format!("`{unit}` in `{t}` is not a unit of session settings"),
                UNITS_HELP.to_owned(),
            ));
        }
    };
    if number.starts_with('-') || number.starts_with('+') {
        return Err(problem(
            format!("`{t}` is not a positive duration"),
            UNITS_HELP.to_owned(),
        ));
    }
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (number.contains('.') && frac.is_empty())
    {
        return Err(problem(
            format!("`{t}` is not a duration"),
            UNITS_HELP.to_owned(),
        ));
    }
    let too_big = || {
        problem(
            format!("`{t}` is too long for the service"),
            format!(
                "the service holds at most {} of a unit: write a shorter duration",
                Duration::MAX_VALUE
            ),
        )
    };
    // The length in seconds (exact), to tell whole minutes from what the service cannot hold.
    let seconds_per: u128 = minutes_per.map_or(1, |m| u128::from(m) * 60);
    let int_value: u128 = int.parse().map_err(|_| too_big())?;
    let scale = 10u128
        .checked_pow(u32::try_from(frac.len()).map_err(|_| too_big())?)
        .ok_or_else(too_big)?;
    let frac_value: u128 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| too_big())?
    };
    let scaled = int_value
        .checked_mul(scale)
        .and_then(|v| v.checked_add(frac_value))
        .and_then(|v| v.checked_mul(seconds_per))
        .ok_or_else(too_big)?;
    if scaled == 0 {
        return Err(problem(
            format!("`{t}` is zero"),
            "a session setting is a positive duration: write at least `1m`".to_owned(),
        ));
    }
    let per_minute = scale.checked_mul(60).ok_or_else(too_big)?;
    let whole_minutes = scaled
        .is_multiple_of(per_minute)
        .then(|| scaled / per_minute);
    let suggestion = whole_minutes
        .and_then(|m| u64::try_from(m).ok())
        .and_then(Duration::from_minutes);
    if minutes_per.is_none() {
        let help = match suggestion {
            Some(d) => format!("write `{d}`"),
            None => "round it to whole minutes, e.g. `5m`".to_owned(),
        };
        return Err(problem(
            format!(
                "`{t}`: seconds are not a unit of session settings (minutes, hours, days, weeks)"
            ),
            help,
        ));
    }
    if !frac.is_empty() {
        let help = match suggestion {
            Some(d) => format!("write `{d}`"),
            None => "the smallest unit is the minute: write a whole number of minutes".to_owned(),
        };
        return Err(problem(
            format!("`{t}` is not a whole number of {}", unit_word(unit)),
            help,
        ));
    }
    suggestion.ok_or_else(too_big)
}

fn unit_word(suffix: &str) -> &'static str {
    DurationUnit::from_suffix(suffix).map_or("minutes", DurationUnit::wire)
}

/// The shortest session token the console allows.
pub const MIN_SESSION_MINUTES: u64 = 3;

/// The console's rule (DOCS "Customizable Tenant Settings"): the session token lasts at least 3
/// minutes and no longer than the refresh token. `refresh` is `None` when it is not known (not
/// in the file; the planner then checks it against the live value).
pub fn check_session_rule(
    session: Duration,
    refresh: Option<Duration>,
) -> Result<(), FieldProblem> {
    if session.minutes() < MIN_SESSION_MINUTES {
        return Err(FieldProblem {
            message: format!(
                "sessionTokenExpiration `{session}` is shorter than {MIN_SESSION_MINUTES} minutes"
            ),
            help: "the console requires a session token of at least 3 minutes: write `3m` or more"
                .to_owned(),
        });
    }
    if let Some(refresh) = refresh.filter(|r| session.minutes() > r.minutes()) {
        return Err(FieldProblem {
            message: format!(
                "sessionTokenExpiration `{session}` is longer than refreshTokenExpiration `{refresh}`"
            ),
            help: format!(
                "a session token may not outlive its refresh token: write at most `{refresh}`, or lengthen refreshTokenExpiration"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(t: &str) -> Duration {
        parse_duration(t).unwrap_or_else(|p| panic!("{t}: {p:?}"))
    }

    #[test]
    fn the_largest_exact_unit_is_chosen() {
        assert_eq!(d("15m").to_string(), "15m");
        assert_eq!(d("120m").to_string(), "2h");
        assert_eq!(d("90m").to_string(), "90m");
        assert_eq!(d("48h").to_string(), "2d");
        assert_eq!(d("14d").to_string(), "2w");
        assert_eq!(d("4w").to_string(), "4w");
        assert_eq!(d("10080m"), d("1w"));
        assert_eq!(d("12h").value(), 12);
        assert_eq!(d("12h").unit().wire(), "hours");
        assert_eq!(d("2d").minutes(), 2880);
    }

    #[test]
    fn what_the_service_cannot_hold_is_refused() {
        for (t, needle) in [
            ("15", "no unit"),
            ("15x", "not a unit"),
            ("15min", "not a unit"),
            ("300s", "seconds"),
            ("0m", "zero"),
            ("-5m", "positive"),
            ("1.5h", "whole number"),
            ("0.5m", "whole number"),
            ("m", "not a duration"),
            ("99999999999999999999999w", "too long"),
            ("2147483648m", "too long"),
        ] {
            let p = parse_duration(t).unwrap_err();
            assert!(p.message.contains(needle), "{t}: {p:?}");
        }
        assert_eq!(parse_duration("300s").unwrap_err().help, "write `5m`");
        assert_eq!(parse_duration("1.5h").unwrap_err().help, "write `90m`");
        // Too many minutes, but a whole number of weeks: the wire carries it in weeks.
        assert_eq!(d("2147483647w").value(), 2_147_483_647);
    }

    #[test]
    fn wire_values_read_back_canonical() {
        assert_eq!(Duration::from_wire(120, "minutes"), Some(d("2h")));
        assert_eq!(Duration::from_wire(3, "Weeks"), Some(d("21d")));
        assert_eq!(Duration::from_wire(0, "minutes"), None);
        assert_eq!(Duration::from_wire(5, "seconds"), None);
        assert_eq!(Duration::from_wire(-1, "hours"), None);
    }

    #[test]
    fn the_console_rule() {
        assert!(check_session_rule(d("3m"), Some(d("3m"))).is_ok());
        assert!(check_session_rule(d("2m"), None).is_err());
        let p = check_session_rule(d("2h"), Some(d("1h"))).unwrap_err();
        assert!(
            p.message
                .contains("longer than refreshTokenExpiration `1h`"),
            "{p:?}"
        );
    }
}
