/* 主题教育工作平台 — page behaviour. No inline scripts: data arrives through json_script elements. */
(function () {
  "use strict";

  var RED = ["#a4161a", "#d9822b", "#e0b44c", "#5b8c5a", "#3b6ea5", "#7d5ba6", "#c0504d", "#2f9c95",
    "#8c6d46", "#6b7b8c", "#b5476b"];

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  var charts = [];
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

  function pieChart(el, rows) {
    var useMembers = rows.some(function (r) { return r.members > 0; });
    var key = useMembers ? "members" : "orgs";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: FONT },
      color: RED,
      title: { text: useMembers ? "党员按单位类别" : "党组织按单位类别", left: "center", top: 0,
        textStyle: { fontSize: 14, fontWeight: "normal" } },
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { type: "scroll", bottom: 0 },
      series: [{
        type: "pie", radius: ["30%", "58%"], center: ["50%", "50%"], avoidLabelOverlap: true,
        label: { formatter: "{b}\n{c}", fontSize: 11 },
        data: rows.map(function (r) { return { name: r.name, value: r[key] }; })
      }]
    });
    charts.push(chart);
  }

  function barChart(el, rows) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: FONT },
      color: ["#a4161a", "#e0b44c"],
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, data: ["党员（人）", "党组织（个）"] },
      grid: { left: 8, right: 8, top: 30, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
        axisLabel: { interval: 0, fontSize: 11 } },
      yAxis: [{ type: "value", name: "人", minInterval: 1 }, { type: "value", name: "个", minInterval: 1,
        splitLine: { show: false } }],
      series: [
        { name: "党员（人）", type: "bar", barMaxWidth: 36, data: rows.map(function (r) { return r.members; }) },
        { name: "党组织（个）", type: "bar", yAxisIndex: 1, barMaxWidth: 36,
          data: rows.map(function (r) { return r.orgs; }) }
      ]
    });
    charts.push(chart);
  }

  function initCharts() {
    var data = readJSON("stats-data");
    if (!data || typeof echarts === "undefined") { return; }
    var pie = document.getElementById("chart-sector");
    var bar = document.getElementById("chart-tier");
    if (pie && data.sector && data.sector.length) { pieChart(pie, data.sector); }
    if (bar && data.tier && data.tier.length) { barChart(bar, data.tier); }
    var pending;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 120);
    });
  }

  /* Organisation tree: a toggle loads a node's children once (htmx), then shows and hides them. */
  function initTree() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest(".tree-toggle");
      if (!button) { return; }
      event.preventDefault();
      var li = button.closest("li");
      var list = li && li.querySelector(":scope > ul");
      if (!list) { return; }
      var expanded = button.getAttribute("aria-expanded") === "true";
      if (expanded) {
        list.hidden = true;
        button.setAttribute("aria-expanded", "false");
        return;
      }
      button.setAttribute("aria-expanded", "true");
      list.hidden = false;
      if (!list.dataset.loaded && typeof htmx !== "undefined") {
        list.dataset.loaded = "1";
        list.innerHTML = '<li class="text-muted small py-1">加载中…</li>';
        htmx.ajax("GET", button.dataset.url, { target: list, swap: "innerHTML" });
      }
    });
  }

  /* "返回上一页" of the error pages: the browser's own back, which keeps what was typed in a form; the link's
     href (the referring page or the home page) serves a tab opened on the error itself. */
  function initHistoryBack() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest("[data-history-back]");
      if (!link || window.history.length < 2) { return; }
      event.preventDefault();
      window.history.back();
    });
  }

  /* A form with data-confirm asks before it is sent (in place of an inline onsubmit, which the
     Content-Security-Policy refuses): cancelling the browser's dialog keeps the form unsent. */
  function initConfirm() {
    document.addEventListener("submit", function (event) {
      var form = event.target.closest("form[data-confirm]");
      if (form && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initCharts();
    initTree();
    initHistoryBack();
    initConfirm();
  });
})();
