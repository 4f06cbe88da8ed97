//! Sets PyO3's `Py_3_10`-style cfgs, so that `str` documents are read in
//! place when the build targets Python 3.10 or later.

fn main() {
    pyo3_build_config::use_pyo3_cfgs();
}
