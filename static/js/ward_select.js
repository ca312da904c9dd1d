// Refill the commune/ward list when the province changes. The server offers the wards of the
// province on file and checks the pair on save; this only saves a round trip through the form.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const province of document.querySelectorAll("select[data-wards-url]")) {
    const ward = document.querySelector(`select[data-ward-list="${province.dataset.wardSelect}"]`);
    if (!ward) {
      continue;
    }
    const placeholder = ward.options.length ? ward.options[0].text : "";
    province.addEventListener("change", async () => {
      ward.replaceChildren(new Option(placeholder, ""));
      if (!province.value) {
        return;
      }
      const url = new URL(province.dataset.wardsUrl, window.location.href);
      url.searchParams.set("province", province.value);
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) {
        return;
      }
      const data = await response.json();
      for (const item of data.wards) {
        ward.add(new Option(item.name, item.code));
      }
    });
  }
});
