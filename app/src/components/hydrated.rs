use leptos::prelude::*;

/// The value of an island's `data-hydrated` attribute: `"false"` in the
/// server's HTML, `"true"` once the island runs in the browser (effects run
/// only there). The browser tests wait for it before using an island's
/// form, which without WASM would post the plain way.
pub fn hydrated_marker() -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    move || if hydrated.get() { "true" } else { "false" }
}
