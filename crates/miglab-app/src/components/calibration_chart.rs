//! The calibration chart: for each confidence level, how often the student was right, against the diagonal of perfect calibration.

use miglab_model::grade::Calibration;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub title: AttrValue,
    pub lesson: Option<Calibration>,
    pub course: Calibration,
}

const W: f64 = 320.0;
const H: f64 = 180.0;
const PAD: f64 = 28.0;

fn x(level: f64) -> f64 {
    PAD + (level - 0.5) * (W - PAD - 8.0) / 5.0
}

fn y(fraction: f64) -> f64 {
    H - PAD - fraction.clamp(0.0, 1.0) * (H - PAD - 8.0)
}

#[function_component]
pub fn CalibrationChart(props: &Props) -> Html {
    let series: Vec<(&str, &Calibration)> = props
        .lesson
        .iter()
        .map(|c| ("this lesson", c))
        .chain([("whole course", &props.course)])
        .collect();
    let n = series.len() as f64;
    let bar_width = (W - PAD - 8.0) / 5.0 / (n + 1.0);
    let summary = series
        .iter()
        .map(|(name, c)| {
            format!(
                "{name}: {} graded, {:.0}% credit, total mark {}. {}",
                c.count,
                c.score * 100.0,
                crate::state::marks::mark(c.total_mark),
                c.sentence()
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        <figure class="calibration">
            <figcaption>{ &props.title }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={summary.clone()} class="chart">
                <line x1={x(0.5).to_string()} y1={y(0.0).to_string()} x2={x(5.5).to_string()} y2={y(0.0).to_string()} class="axis" />
                <line x1={x(0.5).to_string()} y1={y(0.0).to_string()} x2={x(0.5).to_string()} y2={y(1.0).to_string()} class="axis" />
                <line x1={x(0.5).to_string()} y1={y(0.0).to_string()} x2={x(5.5).to_string()} y2={y(1.0).to_string()} class="diagonal" />
                { for (1..=5).map(|level| html! { <text x={x(level as f64).to_string()} y={(H - 10.0).to_string()} class="tick">{ level }</text> }) }
                <text x="4" y={(y(1.0) + 4.0).to_string()} class="tick">{ "100%" }</text>
                <text x="10" y={(y(0.0)).to_string()} class="tick">{ "0" }</text>
                { for series.iter().enumerate().flat_map(|(s, (name, c))| c.levels.iter().filter_map(move |level| {
                    let fraction = level.fraction_correct?;
                    let left = x(f64::from(level.confidence.get())) - bar_width * n / 2.0 + bar_width * s as f64;
                    Some(html! {
                        <rect x={left.to_string()} y={y(fraction).to_string()} width={bar_width.to_string()} height={(y(0.0) - y(fraction)).max(1.0).to_string()} class={format!("bar series-{s}")}>
                            <title>{ format!("{name}, confidence {}: {:.0}% right over {} answers", level.confidence.get(), fraction * 100.0, level.count) }</title>
                        </rect>
                    })
                })) }
            </svg>
            <p class="legend">
                { for series.iter().enumerate().map(|(s, (name, _))| html! { <span class={format!("key series-{s}")}>{ *name }</span> }) }
                <span class="key diagonal-key">{ "perfect calibration" }</span>
            </p>
            <p class="muted">{ summary }</p>
        </figure>
    }
}
