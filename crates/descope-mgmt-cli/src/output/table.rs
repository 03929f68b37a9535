//! Tables: aligned columns fitted to the terminal's width, or tab-separated rows when piped.

use super::escape::shown;

/// Rows for the human view of some data.
#[derive(Debug, Default)]
pub struct Table {
    /// Column headers (shown on a terminal only).
    pub headers: Vec<&'static str>,
    /// One row per item.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers and no rows yet.
    #[must_use]
    pub fn new(headers: Vec<&'static str>) -> Self {
        Self {
            headers,
            rows: Vec::new(),
        }
    }
}

/// Columns a text takes on a terminal: two for East Asian wide characters and emoji, else one.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let c = u32::from(c);
            let wide = matches!(c,
                0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
                | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// The escaped cells of a table, each wrapped to a column width that makes the table fit in
/// `width` columns, and whether the table must be drawn compact (one space between columns
/// instead of comfy-table's space either side) to fit.
///
/// The widest columns are narrowed first, never below their header (the first column, the
/// id, keeps up to 30 columns when the rest can still fit). When even that is too wide the
/// table is wider than `width`; a cell is never cut without a `…`.
pub(super) fn fit_to_width(table: &Table, width: Option<usize>) -> (Vec<Vec<String>>, bool) {
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| r.iter().map(|c| shown(c).into_owned()).collect())
        .collect();
    let ncols = table.headers.len();
    let Some(width) = width else {
        return (rows, false);
    };
    let mut natural: Vec<usize> = table.headers.iter().map(|h| display_width(h)).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(ncols) {
            natural[i] = natural[i].max(display_width(cell));
        }
    }
    if ncols == 0 || natural.iter().sum::<usize>() + 2 * ncols <= width {
        return (rows, false);
    }
    // Too wide as it is: one space between columns, and the widest columns narrowed.
    let budget = width.saturating_sub(ncols);
    let mut mins: Vec<usize> = table.headers.iter().map(|h| display_width(h)).collect();
    let header_min = mins[0];
    mins[0] = natural[0].min(30).max(header_min);
    if mins.iter().sum::<usize>() > budget {
        mins[0] = header_min;
    }
    // The largest cap for which the table fits; else every column at its minimum.
    let widths_at = |cap: usize| -> Vec<usize> {
        natural
            .iter()
            .zip(&mins)
            .map(|(&n, &m)| n.min(cap.max(m)))
            .collect()
    };
    let top = natural.iter().copied().max().unwrap_or(0);
    let alloc = (0..=top)
        .rev()
        .map(widths_at)
        .find(|w| w.iter().sum::<usize>() <= budget)
        .unwrap_or_else(|| widths_at(0));
    let rows = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .enumerate()
                .map(|(i, cell)| match alloc.get(i) {
                    Some(&w) if display_width(&cell) > w => wrap_cell(&cell, w),
                    _ => cell,
                })
                .collect()
        })
        .collect();
    (rows, true)
}

/// Wraps one cell to `width` columns at sensible points (after a space or punctuation), losing
/// nothing; a piece still longer than the column is cut with `…` and ends the cell (what
/// follows a cut is never shown, so a `…` always marks where text is missing).
fn wrap_cell(text: &str, width: usize) -> String {
    let width = width.max(2);
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == ' ' || ",;:/-._@|+=&)]}".contains(c) {
            let end = i + c.len_utf8();
            pieces.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        if !line.is_empty() && display_width(&line) + display_width(piece.trim_end()) > width {
            lines.push(line.trim_end().to_owned());
            line.clear();
        }
        let piece = if line.is_empty() {
            piece.trim_start()
        } else {
            piece
        };
        if display_width(piece.trim_end()) > width {
            let mut cut = String::new();
            for c in piece.chars() {
                if display_width(&cut) + display_width(&c.to_string()) + 1 > width {
                    break;
                }
                cut.push(c);
            }
            cut.push('…');
            lines.push(cut);
            return lines.join("\n");
        }
        line.push_str(piece);
    }
    if !line.trim_end().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_wrap_after_spaces_and_punctuation_and_cut_long_words() {
        assert_eq!(
            wrap_cell("Acme Corporation Europe", 12),
            "Acme\nCorporation\nEurope"
        );
        assert_eq!(
            wrap_cell("acme.example.com,b.example.org", 13),
            "acme.example.\ncom,b.\nexample.org"
        );
        assert_eq!(wrap_cell("Internationalisation", 8), "Interna…");
        // A cut ends the cell: nothing is shown after the `…`.
        assert_eq!(
            wrap_cell("tenant averyveryverylongid x", 8),
            "tenant\naveryve…"
        );
        for line in wrap_cell("a-very-long-tenant-name with words", 10).lines() {
            assert!(display_width(line) <= 10, "{line}");
        }
    }

    #[test]
    fn a_table_fits_the_width_and_keeps_the_id_whole() {
        let mut t = Table::new(vec!["ID", "NAME", "DOMAINS"]);
        t.rows.push(vec![
            "acme-corporation-eu".into(),
            "Acme Corporation Europe Holdings".into(),
            "acme-corporation.example.com".into(),
        ]);
        let (rows, compact) = fit_to_width(&t, Some(60));
        assert!(compact);
        assert_eq!(rows[0][0], "acme-corporation-eu");
        let widths: usize = rows[0]
            .iter()
            .map(|c| c.lines().map(display_width).max().unwrap_or(0) + 1)
            .sum();
        assert!(widths <= 60, "{rows:?}");
        // Wide enough: nothing changes.
        assert_eq!(fit_to_width(&t, Some(200)), (t.rows.clone(), false));
    }
}
