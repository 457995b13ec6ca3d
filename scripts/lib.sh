# Shared by scripts/demo, scripts/test and scripts/bench: installs missing Debian packages.
# Idempotent: packages already installed are left alone; apt runs only if something is missing.

MENTORSIM_PACKAGES=(
  cmake ninja-build ccache g++ pkg-config clang-format clang-tidy
  clang libclang-rt-14-dev
  libboost-graph-dev libtbb-dev libhdf5-dev zlib1g-dev hdf5-tools libcli11-dev catch2 libtomlplusplus-dev
  librandom123-dev libopenmpi-dev openmpi-bin libbenchmark-dev
  python3 python3-numpy python3-pandas python3-h5py python3-matplotlib python3-scipy
  python3-statsmodels python3-networkx python3-pytest python3-pytest-xdist
  chromium  # headless rendering of the HTML report in the analysis tests
  # pdflatex compiles the report's LaTeX tables in the analysis tests: texlive-latex-base has
  # pdflatex and graphicx, texlive-latex-recommended booktabs, texlive-science siunitx.
  texlive-latex-base texlive-latex-recommended texlive-science
  poppler-utils  # pdftoppm: the same test renders the PDF to check nothing is drawn outside the text
)

install_missing_packages() {
  local missing=()
  local package
  for package in "${MENTORSIM_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "Installing missing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# Debian's interpreter, which sees Debian's Python packages (another python3 may come first on PATH).
PYTHON=/usr/bin/python3

# The C++ files of the tree that clang-format governs (.clang-format at the root).
cxx_sources() {
  git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp' 2>/dev/null || find src include tests bench -name '*.cpp' -o -name '*.hpp'
}
