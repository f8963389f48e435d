//! PNG charts for the examples: side-by-side panels of line series, drawn with plotters.
//!
//! The font is bundled (a subset of DejaVu Sans, see `examples/assets/`), so the labels render on
//! a machine without system fonts or fontconfig.

use plotters::prelude::*;
use std::path::Path;

/// One line on a panel.
pub struct Series {
    /// The legend entry.
    pub label: String,
    /// (x, y) points in drawing order.
    pub points: Vec<(f64, f64)>,
    /// The line's colour.
    pub color: RGBColor,
    /// The line's width in pixels.
    pub width: u32,
}

/// One chart: a title, axis labels and its lines.
pub struct Panel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// A logarithmic y axis (for loss curves); every y must then be positive.
    pub log_y: bool,
    pub series: Vec<Series>,
}

/// The two colours the examples use: a reference line and the model's.
pub const BLUE: RGBColor = RGBColor(31, 119, 180);
pub const ORANGE: RGBColor = RGBColor(255, 127, 14);

static FONT: &[u8] = include_bytes!("../assets/DejaVuSans-subset.ttf");

/// Draws `panels` left to right into a PNG at `path`, each `panel_size` pixels.
pub fn save_panels(path: &Path, panels: &[Panel], panel_size: (u32, u32)) -> Result<(), Box<dyn std::error::Error>> {
    // Registering twice is harmless; the font is needed before the first text is laid out.
    plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).map_err(|_| "the bundled font is invalid")?;
    let size = (panel_size.0 * panels.len() as u32, panel_size.1);
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE)?;
    for (area, panel) in root.split_evenly((1, panels.len())).iter().zip(panels) {
        draw_panel(area, panel)?;
    }
    root.present()?;
    Ok(())
}

fn draw_panel(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    p: &Panel,
) -> Result<(), Box<dyn std::error::Error>> {
    let pts = p.series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in pts {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    if x0 > x1 {
        return Err(format!("panel '{}' has no points", p.title).into());
    }
    let mut builder = ChartBuilder::on(area);
    builder.caption(&p.title, ("sans-serif", 22)).margin(12).x_label_area_size(40).y_label_area_size(70);
    // The same drawing for both y scales; the chart types differ, so a macro instead of a
    // generic function over plotters' coordinate traits.
    macro_rules! draw {
        ($chart:expr) => {{
            let mut chart = $chart;
            chart
                .configure_mesh()
                .x_desc(p.x_label.as_str())
                .y_desc(p.y_label.as_str())
                .label_style(("sans-serif", 14))
                .x_label_formatter(&|v| tick(*v))
                .y_label_formatter(&|v| if p.log_y { format!("{v:.0e}") } else { tick(*v) })
                .axis_desc_style(("sans-serif", 16))
                .draw()?;
            for s in &p.series {
                let (color, width) = (s.color, s.width);
                chart
                    .draw_series(LineSeries::new(s.points.iter().copied(), color.stroke_width(width)))?
                    .label(s.label.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(width)));
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .label_font(("sans-serif", 14))
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()?;
        }};
    }
    if p.log_y {
        if y0 <= 0.0 {
            return Err(format!("panel '{}' has a non-positive value on a log axis", p.title).into());
        }
        draw!(builder.build_cartesian_2d(x0..x1, (y0 * 0.8..y1 * 1.25).log_scale())?);
    } else {
        let pad = 0.05 * (y1 - y0).max(1e-12);
        draw!(builder.build_cartesian_2d(x0..x1, y0 - pad..y1 + pad)?);
    }
    Ok(())
}

/// A tick label: at most three decimals, no trailing zeros, and no "-0".
fn tick(v: f64) -> String {
    let s = format!("{:.3}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}
