//! The WebAssembly entry point: hydrates the page's islands (the components
//! marked `#[island]` in `app`); the rest of the page stays the server's HTML.

// Linked for its islands' hydration functions, which nothing here names.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
