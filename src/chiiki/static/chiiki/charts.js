/* Charts drawn with the offline Plotly (static/plotly/plotly.min.js) from data the page
   embeds with {{ data|json_script:"id" }}: no inline script, so the CSP needs none.

   <div id="chart" data-chart="figure" data-chart-data="chart-data"></div>
   data-chart names the builder below; data-chart-data the id of the json_script element.
   Load this file after plotly.min.js, both with defer, so Plotly is there when it runs. */
(function () {
  "use strict";

  var builders = {
    // The view sent a whole figure: {data, layout}.
    figure: function (d) {
      return {data: d.data, layout: d.layout, config: {}};
    },
    // Same, without the mode bar (the survey results page, whose tables carry the exports).
    "figure-plain": function (d) {
      return {data: d.data, layout: d.layout, config: {displayModeBar: false}};
    },
    // The resource coverage heat map: districts × categories, gaps marked ⚠.
    coverage: function (d, el) {
      if (!d.y.length) { return null; }
      el.style.height = Math.max(320, (d.y.length + 4) * 10) + "px";
      var text = d.z.map(function (row, i) {
        return row.map(function (n, j) { return d.gaps[i][j] ? n + " ⚠" : String(n); });
      });
      return {
        data: [{
          type: "heatmap", z: d.z, x: d.x, y: d.y, text: text, texttemplate: "%{text}",
          colorscale: [[0, "#fde8e8"], [0.01, "#eef6ee"], [1, "#2f6f4f"]],
          hovertemplate: "%{y} %{x}: %{z}件<extra></extra>"
        }],
        layout: {
          margin: {l: 90, r: 20, t: 20, b: 120}, yaxis: {autorange: "reversed"},
          font: {family: "Noto Sans CJK JP, sans-serif"}
        },
        config: {}
      };
    }
  };

  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chartData);
      var build = builders[el.dataset.chart];
      if (!source || !build) { return; }
      var spec = build(JSON.parse(source.textContent), el);
      if (!spec) { return; }
      var config = Object.assign({displaylogo: false, responsive: true}, spec.config);
      window.Plotly.newPlot(el, spec.data, spec.layout, config);
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  // The survey results swap in a new partial (with its own data) when the grouping changes:
  // htmx:load bubbles from the new content (the swapped-out element's events do not reach
  // the document). On the first load its target is the body, already drawn above.
  document.addEventListener("htmx:load", function (event) {
    if (event.target !== document.body) { draw(); }
  });
})();
