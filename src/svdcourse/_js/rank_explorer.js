/* The rank explorer: a picture rebuilt from its first k SVD layers, for every k up to the
   largest one embedded, computed in the page from the factors (no kernel, no network).
   The running sum is kept in double precision and a layer is added or removed per step. */
(function () {
  "use strict";

  function decode(text) {
    var raw = atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return new Float32Array(bytes.buffer);
  }

  function RankExplorer(root) {
    var self = this;
    var data = JSON.parse(root.querySelector("script.svdr-data").textContent);
    this.m = data.m; this.n = data.n; this.kmax = data.kmax;
    this.US = decode(data.us);   /* m x kmax, row-major: U[:, :kmax] * s[:kmax] */
    this.Vt = decode(data.vt);   /* kmax x n, row-major */
    this.captions = data.captions; this.alts = data.alts;
    this.sum = new Float64Array(this.m * this.n);
    this.k = 0;
    this.canvas = root.querySelector("canvas");
    this.canvas.width = this.n; this.canvas.height = this.m;
    this.context = this.canvas.getContext("2d");
    this.pixels = this.context.createImageData(this.n, this.m);
    this.range = root.querySelector("input[type=range]");
    this.caption = root.querySelector(".svdr-caption");
    this.output = root.querySelector("output");
    this.range.addEventListener("input", function () { self.show(Number(self.range.value)); });
    this.show(Number(this.range.value));
  }

  RankExplorer.prototype.layer = function (j, sign) {
    var m = this.m, n = this.n, kmax = this.kmax, sum = this.sum, US = this.US, Vt = this.Vt;
    for (var i = 0; i < m; i++) {
      var a = sign * US[i * kmax + j], row = i * n, vrow = j * n;
      for (var c = 0; c < n; c++) { sum[row + c] += a * Vt[vrow + c]; }
    }
  };

  RankExplorer.prototype.show = function (k) {
    if (Math.abs(k - this.k) > k) {   /* cheaper to start again than to remove layers */
      this.sum.fill(0); this.k = 0;
    }
    while (this.k < k) { this.layer(this.k, 1); this.k++; }
    while (this.k > k) { this.k--; this.layer(this.k, -1); }
    var pixels = this.pixels.data, sum = this.sum;
    for (var p = 0; p < sum.length; p++) {
      var v = Math.round(Math.max(0, Math.min(1, sum[p])) * 255);
      pixels[4 * p] = v; pixels[4 * p + 1] = v; pixels[4 * p + 2] = v; pixels[4 * p + 3] = 255;
    }
    this.context.putImageData(this.pixels, 0, 0);
    this.caption.textContent = this.captions[k - 1];
    this.output.textContent = String(k);
    this.range.setAttribute("aria-valuetext", this.captions[k - 1]);
    this.canvas.setAttribute("aria-label", this.alts[k - 1]);
    this.canvas.parentNode.setAttribute("data-rank", String(k));
  };

  window.svdcourse = window.svdcourse || {};
  window.svdcourse.RankExplorer = RankExplorer;
  Array.prototype.forEach.call(document.querySelectorAll(".svd-rank-explorer:not([data-ready])"), function (root) {
    root.setAttribute("data-ready", "true");
    new RankExplorer(root);
  });
})();
