//! Hand-written SVG line charts (no plotting crate): one or more panels, each with axes, ticks,
//! and series of points on a linear or log10 axis.

use std::fmt::Write as _;

pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub color: &'static str,
    pub dashed: bool,
}

pub struct Panel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_log: bool,
    /// Tick positions on x (data units), with their labels.
    pub x_ticks: Vec<(f64, String)>,
    pub series: Vec<Series>,
    /// A horizontal reference line (value, label), e.g. a target.
    pub limit: Option<(f64, String)>,
}

const W: f64 = 460.0;
const H: f64 = 320.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 52.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A "nice" upper bound and step for a linear axis from 0 to `max`.
fn nice_axis(max: f64) -> (f64, f64) {
    let max = if max > 0.0 { max } else { 1.0 };
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    ((max / step).ceil() * step, step)
}

fn fmt_tick(v: f64) -> String {
    if v == v.trunc() {
        format!("{v:.0}")
    } else if (v * 10.0) == (v * 10.0).trunc() {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn panel(out: &mut String, p: &Panel, ox: f64) {
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let xs: Vec<f64> = p
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|q| q.0))
        .collect();
    let tx = |x: f64| if p.x_log { x.log10() } else { x };
    let (mut x0, mut x1) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(tx(*x)), b.max(tx(*x)))
        });
    if !x0.is_finite() || x1 <= x0 {
        (x0, x1) = (0.0, 1.0);
    }
    let pad = (x1 - x0) * 0.06;
    let (x0, x1) = (x0 - pad, x1 + pad);
    let ymax_data = p
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|q| q.1))
        .chain(p.limit.as_ref().map(|l| l.0))
        .fold(0.0, f64::max);
    let (ymax, ystep) = nice_axis(ymax_data * 1.05);
    let px = |x: f64| ox + LEFT + (tx(x) - x0) / (x1 - x0) * pw;
    let py = |y: f64| TOP + ph - y / ymax * ph;

    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="22" font-size="14" font-weight="bold" text-anchor="middle">{}</text>"#,
        ox + W / 2.0,
        esc(&p.title)
    );
    // grid and y ticks
    let mut y = 0.0;
    while y <= ymax + ystep * 0.01 {
        let yy = py(y);
        let _ = writeln!(
            out,
            r##"<line x1="{:.1}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#e5e5e5"/>"##,
            ox + LEFT,
            ox + LEFT + pw
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"#,
            ox + LEFT - 6.0,
            yy + 4.0,
            fmt_tick(y)
        );
        y += ystep;
    }
    for (x, label) in &p.x_ticks {
        let xx = px(*x);
        let _ = writeln!(
            out,
            r##"<line x1="{xx:.1}" y1="{:.1}" x2="{xx:.1}" y2="{:.1}" stroke="#999"/>"##,
            TOP + ph,
            TOP + ph + 5.0
        );
        let _ = writeln!(
            out,
            r#"<text x="{xx:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"#,
            TOP + ph + 18.0,
            esc(label)
        );
    }
    // axes
    let _ = writeln!(
        out,
        r##"<path d="M{:.1},{TOP:.1} V{:.1} H{:.1}" fill="none" stroke="#333"/>"##,
        ox + LEFT,
        TOP + ph,
        ox + LEFT + pw
    );
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text>"#,
        ox + LEFT + pw / 2.0,
        H - 12.0,
        esc(&p.x_label)
    );
    let _ = writeln!(
        out,
        r#"<text transform="translate({:.1},{:.1}) rotate(-90)" font-size="12" text-anchor="middle">{}</text>"#,
        ox + 16.0,
        TOP + ph / 2.0,
        esc(&p.y_label)
    );
    if let Some((v, label)) = &p.limit {
        let yy = py(*v);
        let _ = writeln!(
            out,
            r##"<line x1="{:.1}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#c0392b" stroke-dasharray="2,3"/>"##,
            ox + LEFT,
            ox + LEFT + pw
        );
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#c0392b" text-anchor="end">{}</text>"##,
            ox + LEFT + pw - 4.0,
            yy - 4.0,
            esc(label)
        );
    }
    // series and legend
    for (i, s) in p.series.iter().enumerate() {
        let d: Vec<String> = s
            .points
            .iter()
            .enumerate()
            .map(|(k, (x, y))| {
                format!(
                    "{}{:.1},{:.1}",
                    if k == 0 { "M" } else { "L" },
                    px(*x),
                    py(*y)
                )
            })
            .collect();
        let dash = if s.dashed {
            r#" stroke-dasharray="6,4""#
        } else {
            ""
        };
        let _ = writeln!(
            out,
            r#"<path d="{}" fill="none" stroke="{}" stroke-width="2"{dash}/>"#,
            d.join(" "),
            s.color
        );
        if !s.dashed {
            for (x, y) in &s.points {
                let _ = writeln!(
                    out,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{}"/>"#,
                    px(*x),
                    py(*y),
                    s.color
                );
            }
        }
        let ly = TOP + 8.0 + i as f64 * 16.0;
        let lx = ox + LEFT + 10.0;
        let _ = writeln!(
            out,
            r#"<line x1="{lx:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{}" stroke-width="2"{dash}/>"#,
            lx + 22.0,
            s.color
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
            lx + 28.0,
            ly + 4.0,
            esc(&s.name)
        );
    }
}

/// The SVG document of `panels` side by side.
pub fn chart(panels: &[Panel]) -> String {
    let width = W * panels.len() as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{H:.0}\" viewBox=\"0 0 {width:.0} {H:.0}\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for (i, p) in panels.iter().enumerate() {
        panel(&mut out, p, i as f64 * W);
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis_covers_the_maximum() {
        assert_eq!(nice_axis(9.3), (10.0, 2.0));
        assert_eq!(nice_axis(340.0), (400.0, 100.0));
        assert_eq!(nice_axis(0.0), (1.0, 0.2));
    }

    #[test]
    fn chart_has_one_path_per_series_and_escapes_text() {
        let p = Panel {
            title: "a < b".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x_log: true,
            x_ticks: vec![(1.0, "1".into()), (16.0, "16".into())],
            series: vec![Series {
                name: "m".into(),
                points: vec![(1.0, 1.0), (16.0, 10.0)],
                color: "#000",
                dashed: false,
            }],
            limit: None,
        };
        let svg = chart(&[p]);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("a &lt; b"));
        assert_eq!(svg.matches("<path d=\"M").count(), 1 + 1); // axes + series
    }
}
