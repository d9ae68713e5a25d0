//===- HistoryPlot.cpp - the training history as an SVG chart -------------===//
//
// A standalone SVG file (no scripts, fonts or styles from elsewhere) that a
// browser shows as it is: losses on the left panel, metrics on the right,
// each with a frame, grid lines at "nice" ticks (1, 2 or 5 times a power of
// ten), axis labels and a legend. Training series are solid lines,
// validation series dashed; each point has a tooltip with its value. A
// value that was not measured (NaN) breaks its line.
//
//===----------------------------------------------------------------------===//

#include "AtomicFile.h"
#include "Errors.h"
#include "History.h"
#include "TextBuffer.h"

#include <cmath>

using namespace dlrt;

namespace {

constexpr double PanelWidth = 480, PanelHeight = 360;
/// The plot area inside a panel.
constexpr double Left = 70, Right = 20, Top = 40, Bottom = 50;
constexpr const char *Colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c",
                                  "#d62728", "#9467bd", "#8c564b",
                                  "#e377c2", "#7f7f7f"};
constexpr size_t NumColors = sizeof(Colors) / sizeof(Colors[0]);

/// One line of a panel.
struct Series {
  const char *label;     // "train loss"
  const char *name;      // for the legend after the label: a metric name
  const char *color;
  bool dashed;           // validation
  bool validation;
  size_t metric;         // SIZE_MAX for the loss
};

double valueOf(const dl_epoch_record &record, const Series &series) {
  if (series.metric == SIZE_MAX)
    return series.validation ? record.val_loss : record.train_loss;
  return series.validation ? record.val_metrics[series.metric]
                           : record.train_metrics[series.metric];
}

/// Ticks from `low` to `high` at a step of 1, 2 or 5 times a power of ten,
/// widening the range to whole steps.
struct Axis {
  double low, high, step;
  int decimals; // digits after the point in tick labels

  Axis(double min, double max, bool integral) {
    if (!(max > min)) {
      double pad = std::fabs(min) > 0 ? std::fabs(min) * 0.1 : 1;
      min -= pad;
      max += pad;
    }
    double rough = (max - min) / 5;
    double magnitude = std::pow(10, std::floor(std::log10(rough)));
    double normalized = rough / magnitude;
    step = (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5
                                                                        : 10) *
           magnitude;
    if (integral && step < 1)
      step = 1;
    low = std::floor(min / step) * step;
    high = std::ceil(max / step) * step;
    double digits = -std::floor(std::log10(step));
    decimals = digits > 0 ? int(digits) : 0;
  }
  /// The number of steps; none for ranges too wide to tick (values near
  /// the limits of double).
  int64_t ticks() const {
    double n = (high - low) / step;
    return std::isfinite(n) && n >= 0 && n <= 100 ? int64_t(std::llround(n))
                                                  : 0;
  }
  double tick(int64_t i) const { return low + double(i) * step; }
};

class Plot {
public:
  explicit Plot(const dl_history &history) : history(history) {}
  void panel(double x0, const char *title, const char *yLabel,
             const Series *series, size_t numSeries);
  TextBuffer text;

private:
  void number(double value, int decimals = 1) {
    text.appendFixed(value, decimals);
  }
  const dl_history &history;
};

void Plot::panel(double x0, const char *title, const char *yLabel,
                 const Series *series, size_t numSeries) {
  size_t count = history.records.size();
  double minEpoch = INFINITY, maxEpoch = -INFINITY;
  double minValue = INFINITY, maxValue = -INFINITY;
  for (size_t i = 0; i < count; ++i) {
    const dl_epoch_record &record = history.records[i];
    for (size_t s = 0; s < numSeries; ++s) {
      double v = valueOf(record, series[s]);
      if (!std::isfinite(v))
        continue;
      minValue = v < minValue ? v : minValue;
      maxValue = v > maxValue ? v : maxValue;
      minEpoch = double(record.epoch) < minEpoch ? double(record.epoch)
                                                 : minEpoch;
      maxEpoch = double(record.epoch) > maxEpoch ? double(record.epoch)
                                                 : maxEpoch;
    }
  }
  double plotWidth = PanelWidth - Left - Right;
  double plotHeight = PanelHeight - Top - Bottom;
  text.append("<g class=\"panel\">\n<text class=\"title\" x=\"");
  number(x0 + Left + plotWidth / 2);
  text.append("\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">");
  text.appendXml(title);
  text.append("</text>\n<rect x=\"");
  number(x0 + Left);
  text.append("\" y=\"");
  number(Top);
  text.append("\" width=\"");
  number(plotWidth);
  text.append("\" height=\"");
  number(plotHeight);
  text.append("\" fill=\"none\" stroke=\"#333\"/>\n");
  if (minValue > maxValue) {
    text.append("<text x=\"");
    number(x0 + Left + plotWidth / 2);
    text.append("\" y=\"");
    number(Top + plotHeight / 2);
    text.append("\" text-anchor=\"middle\" fill=\"#777\">no data</text>\n"
                "</g>\n");
    return;
  }
  Axis xAxis(minEpoch, maxEpoch, /*integral=*/true);
  Axis yAxis(minValue, maxValue, /*integral=*/false);
  auto xOf = [&](double epoch) {
    return x0 + Left + (epoch - xAxis.low) / (xAxis.high - xAxis.low) *
                           plotWidth;
  };
  auto yOf = [&](double value) {
    return Top + plotHeight -
           (value - yAxis.low) / (yAxis.high - yAxis.low) * plotHeight;
  };
  // Grid lines and tick labels.
  for (int64_t i = 0; i <= yAxis.ticks(); ++i) {
    double y = yOf(yAxis.tick(i));
    text.append("<line class=\"grid\" x1=\"");
    number(x0 + Left);
    text.append("\" x2=\"");
    number(x0 + Left + plotWidth);
    text.append("\" y1=\"");
    number(y);
    text.append("\" y2=\"");
    number(y);
    text.append("\" stroke=\"#ddd\"/>\n<text class=\"tick\" x=\"");
    number(x0 + Left - 6);
    text.append("\" y=\"");
    number(y + 4);
    text.append("\" text-anchor=\"end\">");
    number(yAxis.tick(i), yAxis.decimals);
    text.append("</text>\n");
  }
  for (int64_t i = 0; i <= xAxis.ticks(); ++i) {
    double x = xOf(xAxis.tick(i));
    text.append("<line class=\"tick\" x1=\"");
    number(x);
    text.append("\" x2=\"");
    number(x);
    text.append("\" y1=\"");
    number(Top + plotHeight);
    text.append("\" y2=\"");
    number(Top + plotHeight + 5);
    text.append("\" stroke=\"#333\"/>\n<text class=\"tick\" x=\"");
    number(x);
    text.append("\" y=\"");
    number(Top + plotHeight + 19);
    text.append("\" text-anchor=\"middle\">");
    number(xAxis.tick(i), 0);
    text.append("</text>\n");
  }
  text.append("<text class=\"label\" x=\"");
  number(x0 + Left + plotWidth / 2);
  text.append("\" y=\"");
  number(PanelHeight - 10);
  text.append("\" text-anchor=\"middle\">epoch</text>\n"
              "<text class=\"label\" transform=\"translate(");
  number(x0 + 18);
  text.append(" ");
  number(Top + plotHeight / 2);
  text.append(") rotate(-90)\" text-anchor=\"middle\">");
  text.appendXml(yLabel);
  text.append("</text>\n");
  // The series: a polyline per run of measured values, a dot per value.
  auto measured = [&](const Series &line) {
    for (size_t i = 0; i < count; ++i)
      if (std::isfinite(valueOf(history.records[i], line)))
        return true;
    return false;
  };
  size_t numDrawn = 0;
  for (size_t s = 0; s < numSeries; ++s)
    numDrawn += measured(series[s]);
  for (size_t s = 0; s < numSeries; ++s) {
    const Series &line = series[s];
    bool open = false;
    for (size_t i = 0; i <= count; ++i) {
      double v = i < count ? valueOf(history.records[i], line) : NAN;
      if (!std::isfinite(v)) {
        if (open)
          text.append("\"/>\n");
        open = false;
        continue;
      }
      if (!open) {
        text.append("<polyline class=\"series\" fill=\"none\" stroke=\"");
        text.append(line.color);
        text.append(line.dashed ? "\" stroke-width=\"2\" "
                                  "stroke-dasharray=\"6 4\" points=\""
                                : "\" stroke-width=\"2\" points=\"");
      } else {
        text.appendChar(' ');
      }
      open = true;
      number(xOf(double(history.records[i].epoch)));
      text.appendChar(',');
      number(yOf(v));
    }
    for (size_t i = 0; i < count; ++i) {
      const dl_epoch_record &record = history.records[i];
      double v = valueOf(record, line);
      if (!std::isfinite(v))
        continue;
      text.append("<circle cx=\"");
      number(xOf(double(record.epoch)));
      text.append("\" cy=\"");
      number(yOf(v));
      text.append("\" r=\"3\" fill=\"");
      text.append(line.color);
      text.append("\"><title>epoch ");
      text.appendInt(record.epoch);
      text.append(", ");
      text.appendXml(line.label);
      text.appendXml(line.name);
      text.append(": ");
      text.appendShortest(v);
      text.append("</title></circle>\n");
    }
  }
  // The legend, top right inside the plot, on a light background so that
  // lines under it do not hide it.
  double lx = x0 + PanelWidth - Right - 190;
  text.append("<rect class=\"legend\" x=\"");
  number(lx - 8);
  text.append("\" y=\"");
  number(Top + 4);
  text.append("\" width=\"190\" height=\"");
  number(18 * double(numDrawn) + 8);
  text.append("\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n");
  size_t shown = 0;
  for (size_t s = 0; s < numSeries; ++s) {
    if (!measured(series[s]))
      continue;
    const Series &line = series[s];
    double ly = Top + 20 + 18 * double(shown++);
    text.append("<line class=\"legend\" x1=\"");
    number(lx);
    text.append("\" x2=\"");
    number(lx + 24);
    text.append("\" y1=\"");
    number(ly - 4);
    text.append("\" y2=\"");
    number(ly - 4);
    text.append("\" stroke=\"");
    text.append(line.color);
    text.append(line.dashed ? "\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
                            : "\" stroke-width=\"2\"/>");
    text.append("\n<text class=\"legend\" x=\"");
    number(lx + 30);
    text.append("\" y=\"");
    number(ly);
    text.append("\">");
    text.appendXml(line.label);
    text.appendXml(line.name);
    text.append("</text>\n");
  }
  text.append("</g>\n");
}

} // namespace

extern "C" {

dl_status dl_history_write_svg(const dl_history *history, const char *path) {
  if (!history)
    return setError(DL_ERROR_INVALID_ARGUMENT,
                    "dl_history_write_svg: null history");
  size_t m = history->numMetrics;
  double width = PanelWidth * (m ? 2 : 1);
  Plot plot(*history);
  TextBuffer &text = plot.text;
  text.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
  text.appendInt(int64_t(width));
  text.append("\" height=\"");
  text.appendInt(int64_t(PanelHeight));
  text.append("\" viewBox=\"0 0 ");
  text.appendInt(int64_t(width));
  text.appendChar(' ');
  text.appendInt(int64_t(PanelHeight));
  text.append("\" font-family=\"sans-serif\" font-size=\"12\">\n"
              "<title>Training history</title>\n"
              "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
  Series losses[2] = {
      {"train loss", "", Colors[0], false, false, SIZE_MAX},
      {"validation loss", "", Colors[1], true, true, SIZE_MAX}};
  plot.panel(0, "Loss", "loss", losses, 2);
  if (m) {
    GrowableArray<Series> metrics;
    if (!metrics.reserve(2 * m))
      return setError(DL_ERROR_OUT_OF_MEMORY,
                      "dl_history_write_svg: out of memory");
    for (size_t i = 0; i < m; ++i) {
      const char *color = Colors[i % NumColors];
      metrics.push({"train ", history->metricName(i), color, false, false, i});
      metrics.push(
          {"validation ", history->metricName(i), color, true, true, i});
    }
    plot.panel(PanelWidth, "Metrics", "value", metrics.data(), 2 * m);
  }
  text.append("</svg>\n");
  if (text.failed())
    return setError(DL_ERROR_OUT_OF_MEMORY,
                    "dl_history_write_svg: out of memory");
  return writeFileAtomically(path, text.data(), text.size());
}

} // extern "C"
