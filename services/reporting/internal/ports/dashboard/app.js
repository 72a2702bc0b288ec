// The figures dashboard. It fetches the published figures from the same server
// (GET figures?period=...&year=...&number=...[&centre=...], the JSON of GetFiguresResponse with
// the proto's field names, centre_id, as the CLI's JSON) and the centres' names (GET centres),
// and shows them in tables. It shows only what those serve: counts with small numbers already
// withheld by the server, and the centre directory. Every text is written with textContent,
// never as HTML, so a centre's name cannot become markup.
"use strict";

(() => {
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  const QUARTERS = ["January to March", "April to June", "July to September", "October to December"];

  // The headline tables, in this order.
  const GROUPS = [
    ["people", "Children and families"],
    ["sessions", "Sessions and places"],
    ["referrals", "Referrals"],
    ["waiting", "Waiting"],
    ["outcomes", "Cases ended and safeguarding"],
    ["staff", "Volunteers and staff"],
    ["other", "Other figures"],
  ];

  // The measures /figures serves (docs/return.md defines each), in the return's order, in plain
  // words. A measure this page does not know is shown under "Other figures" by its id in words.
  const MEASURES = new Map([
    ["children_served", ["people", "Children served", "Children who attended at least one session, each counted once"]],
    ["families_served", ["people", "Families served", "Families with at least one session attended"]],
    ["sessions_booked", ["sessions", "Sessions booked", "Bookings for sessions in the period, not cancelled"]],
    ["sessions_attended", ["sessions", "Sessions attended", "Bookings whose session took place"]],
    ["sessions_no_show", ["sessions", "Sessions missed (no-show)", "Bookings where someone did not come"]],
    ["sessions_cancelled", ["sessions", "Sessions cancelled", "Bookings cancelled"]],
    ["room_sessions_available", ["sessions", "Room sessions available", "Rooms open in the centres' opening sessions"]],
    ["places_available", ["sessions", "Places available", "Room sessions times each room's capacity (families at once)"]],
    ["capacity_used_percent", ["sessions", "Capacity used", "Places booked (a supervised family books its whole room) as a percentage of places available"]],
    ["referrals_received", ["referrals", "Referrals received", "Referrals received in the period"]],
    ["referrals_court_involved", ["referrals", "Referrals with a court involved", "Of the referrals received"]],
    ["referrals_cafcass_involved", ["referrals", "Referrals with Cafcass involved", "Of the referrals received"]],
    ["referrals_accepted", ["referrals", "Referrals accepted", "Accepted in the period"]],
    ["referrals_declined", ["referrals", "Referrals declined", "Declined in the period"]],
    ["referrals_withdrawn", ["referrals", "Referrals withdrawn", "Withdrawn in the period"]],
    ["referrals_never_attended", ["referrals", "Accepted referrals never attended", "Ended or withdrawn in the period before a first session"]],
    ["referrals_waitlisted_at_end", ["waiting", "Referrals waitlisted at the end", "On a centre's waiting list on the period's last day"]],
    ["waiting_list_at_end", ["waiting", "Families waiting for a place at the end", "On a centre's list for a place on the period's last day"]],
    ["waiting_list_joined", ["waiting", "Families who joined a waiting list", "Joined in the period"]],
    ["waiting_days_median", ["waiting", "Waiting time, median (days)", "From the referral to its first session, for first sessions in the period"]],
    ["waiting_days_p90", ["waiting", "Waiting time, 90th percentile (days)", "9 in 10 waited no longer than this"]],
    ["cases_ended", ["outcomes", "Cases ended", "Cases ended in the period"]],
    ["concerns_raised", ["outcomes", "Safeguarding concerns raised", "Counts only"]],
    ["concerns_escalated", ["outcomes", "Concerns escalated", "To the local authority or the police"]],
    ["holds_placed", ["outcomes", "Holds placed", "Contact suspended"]],
    ["holds_lifted", ["outcomes", "Holds lifted", "Contact resumed"]],
    ["reports_released", ["outcomes", "Observation reports released", "Reports of supervised sessions"]],
    ["staff_at_end", ["staff", "Volunteers and staff at the end", "On a centre's staff register on the period's last day"]],
  ]);

  // Figures by region: the columns, a few of the headline measures.
  const REGION_COLUMNS = ["children_served", "families_served", "sessions_booked", "sessions_attended",
    "places_available", "capacity_used_percent", "referrals_received", "waiting_list_at_end", "waiting_days_median"];

  // A breakdown's name in a caption: "Children served by age band".
  const BREAKDOWNS = {
    service_type: "type of service", age_band: "age band", source: "who referred",
    outcome: "outcome", category: "kind of concern", reason: "reason", role: "role",
  };

  // Regions, in their order.
  const REGIONS = new Map([
    ["REGION_NORTH_EAST", "North East"], ["REGION_NORTH_WEST", "North West"],
    ["REGION_YORKSHIRE_AND_THE_HUMBER", "Yorkshire and the Humber"], ["REGION_EAST_MIDLANDS", "East Midlands"],
    ["REGION_WEST_MIDLANDS", "West Midlands"], ["REGION_EAST_OF_ENGLAND", "East of England"],
    ["REGION_LONDON", "London"], ["REGION_SOUTH_EAST", "South East"], ["REGION_SOUTH_WEST", "South West"],
    ["REGION_WALES", "Wales"], ["REGION_NORTHERN_IRELAND", "Northern Ireland"],
    ["REGION_CHANNEL_ISLANDS", "Channel Islands"],
  ]);

  // Breakdown categories, each enum in its order.
  const CATEGORIES = new Map([
    ["SERVICE_TYPE_SUPPORTED", "Supported"], ["SERVICE_TYPE_SUPERVISED", "Supervised"],
    ["SERVICE_TYPE_HANDOVER", "Handover"], ["SERVICE_TYPE_ESCORTED", "Escorted"],
    ["SERVICE_TYPE_INDIRECT", "Indirect"], ["SERVICE_TYPE_VIRTUAL", "Virtual"],
    ["AGE_BAND_UNDER_2", "Under 2"], ["AGE_BAND_2_TO_4", "2 to 4"], ["AGE_BAND_5_TO_10", "5 to 10"],
    ["AGE_BAND_11_TO_15", "11 to 15"], ["AGE_BAND_16_TO_17", "16 to 17"],
    ["REFERRAL_SOURCE_SELF", "The family itself"], ["REFERRAL_SOURCE_SOLICITOR", "Solicitor"],
    ["REFERRAL_SOURCE_CAFCASS", "Cafcass"], ["REFERRAL_SOURCE_COURT", "Court"],
    ["REFERRAL_SOURCE_LOCAL_AUTHORITY", "Local authority"], ["REFERRAL_SOURCE_MEDIATION", "Mediation"],
    ["REFERRAL_SOURCE_OTHER", "Other"],
    ["CASE_OUTCOME_SELF_ARRANGED", "Parents now arrange contact themselves"],
    ["CASE_OUTCOME_MOVED_TO_HANDOVER", "Moved to handover"],
    ["CASE_OUTCOME_STEPPED_DOWN_TO_SUPPORTED", "Stepped down to supported contact"],
    ["CASE_OUTCOME_REFERRED_BACK_TO_COURT", "Referred back to the court"],
    ["CASE_OUTCOME_WITHDRAWN", "Withdrawn after contact began"],
    ["CASE_OUTCOME_ENDED_FOR_SAFETY", "Ended to keep someone safe"],
    ["CASE_OUTCOME_PLACE_RELEASED", "Place released after no-shows"],
    ["DECLINE_REASON_RISK_TOO_HIGH", "Risk too high"],
    ["DECLINE_REASON_DOMESTIC_ABUSE_SUPPORTED_ONLY", "Domestic abuse, and no supervised contact offered"],
    ["DECLINE_REASON_REDIRECTED", "Passed to another centre"],
    ["DECLINE_REASON_CANNOT_MEET_NEEDS", "Cannot meet the family's needs"],
    ["DECLINE_REASON_OUT_OF_AREA", "Out of area"], ["DECLINE_REASON_NO_AGREEMENT", "No agreement to the ground rules"],
    ["DECLINE_REASON_OTHER", "Other"],
    ["CONCERN_CATEGORY_PHYSICAL_HARM", "Physical harm"], ["CONCERN_CATEGORY_EMOTIONAL_HARM", "Emotional harm"],
    ["CONCERN_CATEGORY_NEGLECT", "Neglect"], ["CONCERN_CATEGORY_DOMESTIC_ABUSE", "Domestic abuse"],
    ["CONCERN_CATEGORY_ABDUCTION_RISK", "Abduction risk"], ["CONCERN_CATEGORY_HANDOVER_CONDUCT", "Conduct at handover"],
    ["CONCERN_CATEGORY_OTHER", "Other"],
    ["HOLD_REASON_CONCERN_UNDER_INVESTIGATION", "A concern being looked into"],
    ["HOLD_REASON_EXTERNAL_INVESTIGATION", "Local authority or police involved"],
    ["HOLD_REASON_COURT_ORDER", "Court order"], ["HOLD_REASON_CONDUCT", "Conduct at the centre"],
    ["HOLD_REASON_OTHER", "Other"],
    ["STAFF_ROLE_VOLUNTEER", "Volunteers"], ["STAFF_ROLE_CONTACT_SUPERVISOR", "Contact supervisors"],
    ["STAFF_ROLE_COORDINATOR", "Coordinators"], ["STAFF_ROLE_SAFEGUARDING_LEAD", "Safeguarding leads"],
  ]);
  const CATEGORY_ORDER = new Map([...CATEGORIES.keys()].map((k, i) => [k, i]));
  const MEASURE_ORDER = new Map([...MEASURES.keys()].map((k, i) => [k, i]));
  const measureOrder = (m) => (MEASURE_ORDER.has(m) ? MEASURE_ORDER.get(m) : MEASURES.size);

  const $ = (id) => document.getElementById(id);
  const form = $("choose"), periodSelect = $("period"), yearInput = $("year"), numberSelect = $("number");
  const centreSelect = $("centre"), statusLine = $("status"), errorBox = $("error"), figuresSection = $("figures");
  let centres = new Map(); // id -> {name, region}
  let latest = 0; // the newest request: an older answer arriving late is dropped

  // words puts an id in words: "some_new_measure" is "Some new measure".
  function words(id) {
    const s = String(id).toLowerCase().replace(/_/g, " ");
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function measureLabel(id) {
    const m = MEASURES.get(id);
    return m ? m[1] : words(id);
  }

  function categoryLabel(c) {
    if (CATEGORIES.has(c)) return CATEGORIES.get(c);
    if (/^-?\d+$/.test(c)) return "Other (code " + c + ")";
    if (/_UNSPECIFIED$/.test(c)) return "Not recorded";
    const known = ["SERVICE_TYPE_", "AGE_BAND_", "REFERRAL_SOURCE_", "CASE_OUTCOME_", "DECLINE_REASON_",
      "CONCERN_CATEGORY_", "HOLD_REASON_", "STAFF_ROLE_"].find((p) => c.startsWith(p));
    return words(known ? c.slice(known.length) : c);
  }

  // regionLabel: protojson gives a region by name, or by number when this build does not know
  // it; -1 is a centre reporting has not heard of yet.
  function regionLabel(r) {
    if (REGIONS.has(r)) return REGIONS.get(r);
    if (r === -1 || r === "-1") return "Centres not yet in the directory";
    return typeof r === "string" && r.startsWith("REGION_") ? words(r.slice(7)) : "Region " + r;
  }

  function periodName(p) {
    if (p.period === "year") return String(p.year);
    if (p.period === "quarter") return "Q" + p.number + " " + p.year + " (" + (QUARTERS[p.number - 1] || "?") + ")";
    return (MONTHS[p.number - 1] || "Month " + p.number) + " " + p.year;
  }

  function dateText(d) {
    return d ? d.day + " " + MONTHS[d.month - 1] + " " + d.year : "";
  }

  // notEndedText says why a period asked for is not shown, and what is shown instead: figures are
  // published for a period a week after it has ended (decisions 264 and 292), and the server (its
  // clock, not this browser's) names the last of its kind published.
  function notEndedText(asked, refusal, shownInstead, itsOwn) {
    const today = refusal.as_of ? " (today is " + dateText(refusal.as_of) + ")" : "";
    const state = refusal.progress === "PERIOD_PROGRESS_NOT_BEGUN" ? " has not begun"
      : refusal.progress === "PERIOD_PROGRESS_ENDED" ? " has ended, and its last days' records are still coming in" : " is still under way";
    return periodName(asked) + state + today + ". Its figures are published a week after it has ended: figures so far, read again a few" +
      " days later, would tell how many came on the days between, and those numbers are not withheld. These are the figures" +
      " for " + periodName(shownInstead) + (itsOwn ? ", its last month published." : ", the last " + shownInstead.period + " published.");
  }

  // progressText says when a period's figures are not yet its whole: how far it has run is the
  // server's (its clock), not this browser's. The server publishes ended periods only (decision
  // 264), so this is for a server from before that.
  function progressText(body) {
    const today = body.as_of ? " (today is " + dateText(body.as_of) + ")" : "";
    if (body.progress === "PERIOD_PROGRESS_UNDER_WAY") {
      return " This period is still under way" + today + ": the figures are those so far, not the period's return.";
    }
    if (body.progress === "PERIOD_PROGRESS_NOT_BEGUN") {
      return " This period has not begun" + today + ": the figures count only what is booked so far.";
    }
    return "";
  }

  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  // --- the controls

  function fillNumbers(kind, wanted) {
    const field = $("number-field");
    if (kind === "year") {
      field.hidden = true;
      numberSelect.disabled = true;
      return;
    }
    field.hidden = false;
    numberSelect.disabled = false;
    $("number-label").textContent = kind === "quarter" ? "Quarter" : "Month";
    const names = kind === "quarter" ? QUARTERS.map((q, i) => "Q" + (i + 1) + ": " + q) : MONTHS;
    const options = names.map((n, i) => el("option", n, { value: String(i + 1) }));
    numberSelect.replaceChildren(...options);
    numberSelect.value = wanted >= 1 && wanted <= names.length ? String(wanted) : "1";
  }

  function chosen() {
    const p = { period: periodSelect.value, year: yearInput.value.trim(), number: 0, centre: centreSelect.value };
    if (p.period !== "year") p.number = Number(numberSelect.value);
    return p;
  }

  function query(p) {
    const q = new URLSearchParams({ period: p.period, year: p.year, number: String(p.number) });
    if (p.centre) q.set("centre", p.centre);
    return q;
  }

  // The page's own address says what it shows, so it can be bookmarked or shared:
  // dashboard?period=quarter&year=2026&number=1.
  // An address asking for what cannot be shown (a month 13, a period that is none) is said to be
  // wrong, never quietly shown as something else (review 50: month 13 showed January); wrong lists
  // what, in words.
  function fromAddress() {
    const q = new URLSearchParams(window.location.search);
    const now = new Date();
    const p = { period: "quarter", year: String(now.getFullYear()), number: Math.floor(now.getMonth() / 3) + 1, centre: "" };
    const wrong = [];
    const period = q.get("period");
    if (["year", "quarter", "month"].includes(period)) {
      p.period = period;
      p.number = period === "year" ? 0 : 1;
    } else if (period !== null) {
      wrong.push("period \u201c" + period + "\u201d (a year, a quarter or a month)");
    }
    const number = q.get("number");
    if (p.period !== "year" && number !== null) {
      const n = Number(number), most = p.period === "quarter" ? 4 : 12;
      if (Number.isInteger(n) && n >= 1 && n <= most) p.number = n;
      else wrong.push(p.period + " \u201c" + number + "\u201d (1 to " + most + ")");
    }
    if (q.get("year")) p.year = q.get("year");
    if (q.get("centre")) p.centre = q.get("centre");
    return { p, wrong };
  }

  async function loadCentres() {
    const note = $("centre-note");
    try {
      const res = await fetch("centres", { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!res.ok) throw new Error("the server answered " + res.status);
      const body = await res.json();
      const list = body.centres || [];
      centres = new Map(list.map((c) => [c.id, c]));
      const byRegion = new Map();
      for (const c of list) {
        if (!byRegion.has(c.region)) byRegion.set(c.region, []);
        byRegion.get(c.region).push(c);
      }
      const regions = [...byRegion.keys()].sort((a, b) => regionOrder(a) - regionOrder(b));
      for (const r of regions) {
        const group = el("optgroup", null, { label: regionLabel(r) });
        for (const c of byRegion.get(r)) group.append(el("option", c.name, { value: c.id }));
        centreSelect.append(group);
      }
      note.textContent = list.length ? "" : "No centres are registered yet.";
    } catch (e) {
      note.textContent = "The centres' names could not be loaded (" + e.message + "): only national and regional figures can be shown.";
    }
  }

  function regionOrder(r) {
    const i = [...REGIONS.keys()].indexOf(r);
    return i < 0 ? REGIONS.size : i;
  }

  // --- fetching

  function showError(message) {
    errorBox.replaceChildren(el("h2", "The figures could not be shown"), el("p", message));
    errorBox.hidden = false;
    figuresSection.hidden = true;
    figuresSection.removeAttribute("data-period");
    statusLine.textContent = "";
  }

  // show fetches and shows p's figures; instead, when given, says why p is shown instead of the
  // period asked for.
  async function show(p, instead) {
    const ask = ++latest;
    errorBox.hidden = true;
    errorBox.replaceChildren();
    statusLine.textContent = "Loading the figures for " + periodName(p) + "…";
    window.history.replaceState(null, "", "?" + query(p).toString());
    let res, text;
    try {
      res = await fetch("figures?" + query(p).toString(), { headers: { Accept: "application/json" }, cache: "no-store" });
      text = await res.text();
    } catch (e) {
      if (ask === latest) {
        showError("The reporting service did not answer (" + e.message + "). Check that it is running, then choose Show figures again.");
      }
      return;
    }
    if (ask !== latest) return;
    if (res.status === 400) {
      const said = text.trim();
      showError(said.startsWith("period")
        ? "That is not a period the figures can be shown for: choose a year from 2000 to 2200, and a quarter or a month. The server said: " + said
        : "The server did not accept the request. It said: " + said);
      return;
    }
    if (res.status === 409) {
      // A period not ended: its figures are not published yet. Show rather than nothing its own
      // last month that has ended (the latest figures of the period asked for), or else the last
      // period of its kind that has ended, saying why.
      let refusal = null;
      try {
        refusal = JSON.parse(text);
      } catch (e) {
        refusal = null;
      }
      const last = refusal && (refusal.months_ended || refusal.last_ended);
      if (last && !instead && ["year", "quarter", "month"].includes(last.period)) {
        const to = { period: last.period, year: String(last.year), number: last.period === "year" ? 0 : Number(last.number), centre: p.centre };
        periodSelect.value = to.period;
        yearInput.value = to.year;
        fillNumbers(to.period, to.number);
        show(to, notEndedText(p, refusal, to, !!refusal.months_ended));
        return;
      }
      const said = refusal && refusal.error ? refusal.error.message : text.trim();
      showError("The figures for " + periodName(p) + " are not published yet. The server said: " + said);
      return;
    }
    if (res.status === 503 && res.headers.get("Retry-After")) {
      // FIGURES_CATCHING_UP (decision 423): the month is fixed once reporting has caught up.
      showError("The figures for " + periodName(p) + " are not published yet. The server said: " + text.trim());
      return;
    }
    if (res.status === 503) {
      showError("The figures are unavailable just now: the reporting service could not read them. Try again in a moment.");
      return;
    }
    if (!res.ok) {
      showError("The server answered " + res.status + " " + res.statusText + ": " + text.trim());
      return;
    }
    let body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      showError("The server's answer could not be read as figures (" + e.message + ").");
      return;
    }
    render(p, body, instead);
  }

  // --- rendering

  // figureText is a figure as the page shows it, every one of a kind the same way (review 50 found
  // capacity used "29" beside "44.7": the server gives a whole percentage without its decimal): a
  // percentage to one decimal with its sign, a waiting time in days to one decimal as the server
  // gives it, a count a whole number. A withheld figure ("<5", "*") is exactly as published, and
  // so is any the page cannot read as a number.
  function figureText(f) {
    const n = Number(f.shown);
    if (f.suppressed || f.shown === "" || !Number.isFinite(n)) return f.shown;
    if (/_percent$/.test(f.measure)) return n.toFixed(1) + "%";
    if (/^waiting_days_/.test(f.measure)) return n.toFixed(1);
    if (MEASURES.has(f.measure)) return Math.round(n).toString();
    return f.shown;
  }

  // cell is a figure as published ("<5" and "*" included), or "–" when there is none.
  function cell(f) {
    const c = el("td", f ? figureText(f) : "–");
    if (f && f.suppressed) c.className = "withheld";
    if (!f) c.className = "none";
    return c;
  }

  // table is a table with a caption, column headings and rows; the columns after the first hold
  // figures, except the last when lastIsText is set.
  function table(caption, headings, rows, className, lastIsText) {
    const t = el("table", null, className ? { class: className } : {});
    t.append(el("caption", caption));
    const head = el("tr");
    headings.forEach((h, i) => {
      const figure = i > 0 && !(lastIsText && i === headings.length - 1);
      head.append(el("th", h, figure ? { scope: "col", class: "num" } : { scope: "col" }));
    });
    const thead = el("thead");
    thead.append(head);
    t.append(thead);
    const body = el("tbody");
    for (const r of rows) body.append(r);
    t.append(body);
    return t;
  }

  function render(p, body, instead) {
    const figs = body.figures || [];
    const centre = p.centre ? centres.get(p.centre) : null;
    // The scope shown: the nation, or the one centre asked for.
    const mine = (f) => p.centre ? f.scope === "centre" && f.centre_id === p.centre : f.scope === "national";
    const totals = new Map(), breakdowns = new Map(), regions = new Map();
    for (const f of figs) {
      if (mine(f)) {
        if (!f.breakdown) totals.set(f.measure, f);
        else {
          // Every measure's breakdown by type of service goes in one table; others get their own.
          const key = f.breakdown === "service_type" ? "service_type" : f.measure + "|" + f.breakdown;
          if (!breakdowns.has(key)) breakdowns.set(key, { breakdown: f.breakdown, measures: [], cells: new Map() });
          const b = breakdowns.get(key);
          if (!b.measures.includes(f.measure)) b.measures.push(f.measure);
          b.cells.set(f.measure + "|" + f.category, f);
        }
      } else if (!p.centre && f.scope === "region" && !f.breakdown) {
        const r = f.region === undefined ? "REGION_UNSPECIFIED" : f.region;
        if (!regions.has(r)) regions.set(r, new Map());
        regions.get(r).set(f.measure, f);
      }
    }

    // Nothing recorded (review 50): a period before any centre used the service, or one in which
    // the centre asked for recorded nothing, is served as every count 0, which in tables reads as
    // "no child was served". It is said so instead, in words. Only published zeros say it: a
    // withheld count ("<5", or a "*" that may hide a 0 beside a neighbour's small number) is not
    // said to be nothing, which would tell what it hides. A waiting time is left out: over no first
    // sessions it is "*" (from fewer than 5), and the sessions attended, a count, say there were none.
    const counts = figs.filter((f) => mine(f) && !/^waiting_days_/.test(f.measure));
    const nothing = counts.every((f) => !f.suppressed && Number(f.shown) === 0 && f.shown !== "");
    const where = centre ? "at " + centre.name + " (" + regionLabel(centre.region) + ")" : p.centre ? "at the centre asked for" : "nationally";
    const nothingText = "Nothing was recorded " + (p.centre ? where : "at any centre") + " in " + periodName(p) +
      ": no room open, no session booked, no referral, no one on a waiting list or a staff register. So there are no" +
      " figures for it, which is not the same as figures of none.";
    $("nothing").textContent = nothing ? nothingText : "";
    $("nothing").hidden = !nothing;
    $("tables").hidden = nothing;

    // Headline: every known measure, then any the page does not know.
    const headline = $("headline");
    headline.replaceChildren();
    const measures = [...MEASURES.keys()];
    for (const m of totals.keys()) if (!MEASURES.has(m)) measures.push(m);
    for (const [group, caption] of GROUPS) {
      const rows = [];
      for (const m of measures) {
        if ((MEASURES.has(m) ? MEASURES.get(m)[0] : "other") !== group) continue;
        const tr = el("tr", null, { "data-measure": m });
        tr.append(el("th", measureLabel(m), { scope: "row" }));
        const td = cell(totals.get(m));
        td.setAttribute("data-measure", m);
        tr.append(td);
        tr.append(el("td", MEASURES.has(m) ? MEASURES.get(m)[2] : "", { class: "about" }));
        rows.push(tr);
      }
      if (rows.length) headline.append(table(caption, ["Measure", "Figure", "What it counts"], rows, "headline", true));
    }

    // By region: nationally only.
    const regionsSection = $("regions-section"), regionsBox = $("regions");
    regionsBox.replaceChildren();
    regionsSection.hidden = !!p.centre;
    if (!p.centre) {
      if (regions.size === 0) {
        regionsBox.append(el("p", "No centre has recorded anything for this period."));
      } else {
        const rows = [...regions.keys()].sort((a, b) => regionOrder(a) - regionOrder(b)).map((r) => {
          const tr = el("tr", null, { "data-region": String(r) });
          tr.append(el("th", regionLabel(r), { scope: "row" }));
          for (const m of REGION_COLUMNS) {
            const td = cell(regions.get(r).get(m));
            td.setAttribute("data-measure", m);
            tr.append(td);
          }
          return tr;
        });
        const wrap = el("div", null, { class: "scroll", tabindex: "0", role: "region", "aria-labelledby": "regions-caption" });
        const t = table("Headline figures by region", ["Region", ...REGION_COLUMNS.map(measureLabel)], rows, "wide");
        t.caption.id = "regions-caption";
        wrap.append(t);
        regionsBox.append(wrap);
      }
    }

    // Breakdowns: categories in their enum's order, each measure a column.
    const breakdownBox = $("breakdowns");
    breakdownBox.replaceChildren();
    // By type of service first, then each measure's in the return's order.
    const first = (key) => (key === "service_type" ? -1 : measureOrder(breakdowns.get(key).measures[0]));
    const keys = [...breakdowns.keys()].sort((a, b) => first(a) - first(b));
    for (const key of keys) {
      const b = breakdowns.get(key);
      b.measures.sort((x, y) => measureOrder(x) - measureOrder(y));
      const categories = [...new Set([...b.cells.values()].map((f) => f.category))].sort((x, y) => {
        const ox = CATEGORY_ORDER.has(x) ? CATEGORY_ORDER.get(x) : CATEGORIES.size;
        const oy = CATEGORY_ORDER.has(y) ? CATEGORY_ORDER.get(y) : CATEGORIES.size;
        return ox - oy || (x < y ? -1 : x > y ? 1 : 0);
      });
      const name = BREAKDOWNS[b.breakdown] || words(b.breakdown).toLowerCase();
      const caption = key === "service_type" ? "By " + name : measureLabel(b.measures[0]) + " by " + name;
      const rows = categories.map((c) => {
        const tr = el("tr", null, { "data-category": c });
        tr.append(el("th", categoryLabel(c), { scope: "row" }));
        for (const m of b.measures) {
          const td = cell(b.cells.get(m + "|" + c));
          td.setAttribute("data-measure", m);
          td.setAttribute("data-breakdown", b.breakdown);
          td.setAttribute("data-category", c);
          tr.append(td);
        }
        return tr;
      });
      const headings = [words(name), ...b.measures.map(measureLabel)];
      const t = table(caption, headings, rows, b.measures.length > 3 ? "wide" : "");
      if (b.measures.length > 3) {
        const wrap = el("div", null, { class: "scroll wide-block", tabindex: "0", role: "region", "aria-label": caption });
        wrap.append(t);
        breakdownBox.append(wrap);
      } else {
        breakdownBox.append(t);
      }
    }
    if (breakdowns.size === 0) breakdownBox.append(el("p", "Nothing was recorded to break down for this period."));

    $("figures-heading").textContent = "Figures for " + periodName(p) + ", " + where;
    $("not-ended").textContent = instead || "";
    $("not-ended").hidden = !instead;
    // A correction recorded since the period was first published changed it (decision 292): say
    // so, rather than let two readers hold two sets of figures for one period without knowing.
    const revised = body.revised ? " Revised since first published: a correction recorded since (a case's ending, two" +
      " children confirmed as one, a referral declined as a duplicate) changed these figures." : "";
    $("period-shown").textContent = "From " + dateText(body.from) + " to " + dateText(body.to) + "." + progressText(body) + revised;
    figuresSection.hidden = false;
    figuresSection.setAttribute("data-period", p.period + "-" + p.year + "-" + p.number + (p.centre ? "-" + p.centre : ""));
    statusLine.textContent = nothing ? nothingText : "Showing the figures for " + periodName(p) + ", " + where + ".";
  }

  // --- start

  periodSelect.addEventListener("change", () => fillNumbers(periodSelect.value, Number(numberSelect.value)));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    show(chosen());
  });

  async function start() {
    // Shown only now that the script runs: without it they could do nothing (review 50).
    form.hidden = false;
    $("skip").hidden = false;
    const { p, wrong } = fromAddress();
    periodSelect.value = p.period;
    yearInput.value = p.year;
    fillNumbers(p.period, p.number);
    await loadCentres();
    if (p.centre && centres.has(p.centre)) centreSelect.value = p.centre;
    else if (p.centre) {
      // Not the nation's figures in its place (review 50): the centre asked for is not one the
      // figures know, or the centres' names could not be loaded.
      wrong.push("centre " + p.centre + " (not a centre the figures know)");
    }
    if (wrong.length) {
      showError("This page's address asks for " + wrong.join("; ") + ". Choose what to show above, then Show figures.");
      return;
    }
    show(chosen());
  }
  start();
})();
