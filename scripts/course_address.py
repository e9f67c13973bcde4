"""Where the course lives, derived from ``_config.yml``: one rule, one place.

The book names its repository once, as ``repository.url`` (and ``branch``) in
``_config.yml``, and its site as ``html.baseurl`` when the site is not the
repository's GitHub Pages address.  Everything else that points readers at
the course is derived from these:

* the requirement every chapter's install cell installs
  (scripts/normalize_notebooks.py): ``gdcourse[book] @ git+{repository}``;
* the site the Colab copies link to (scripts/colab_notebooks.py):
  ``html.baseurl``, else ``https://{owner}.github.io/{name}/``;
* the Colab button of each chapter page (book/_ext/gd_colab.py):
  ``{colab}/github/{owner}/{name}/blob/{branch}/colab/{chapter}.ipynb``.

A copy of the course published elsewhere changes ``repository.url`` and runs
``make notebooks``.
"""

from dataclasses import dataclass
from pathlib import Path

#: The repository root, which holds ``_config.yml``.
ROOT = Path(__file__).resolve().parents[1]
#: The distribution and extra a chapter needs.
REQUIREMENT = "gdcourse[book]"
#: Colab's address, as ``launch_buttons.colab_url`` names it.
COLAB_URL = "https://colab.research.google.com"
GITHUB = "https://github.com/"


@dataclass(frozen=True)
class CourseAddress:
    """The course's repository and site, as ``_config.yml`` gives them.

    Parameters
    ----------
    repository : str
        ``repository.url``, such as ``https://github.com/OWNER/NAME``.
    branch : str
        ``repository.branch``.
    baseurl : str or None
        ``html.baseurl``: the site's address, when it is not the
        repository's GitHub Pages address.

    Examples
    --------
    >>> course = CourseAddress("https://github.com/Ann/notes/")
    >>> course.requirement
    'gdcourse[book] @ git+https://github.com/Ann/notes'
    >>> course.site
    'https://ann.github.io/notes/'
    >>> course.colab("colab/01_x.ipynb")
    'https://colab.research.google.com/github/Ann/notes/blob/main/colab/01_x.ipynb'
    >>> CourseAddress("https://git.example/ann/notes", baseurl="https://a.b/c").site
    'https://a.b/c/'
    """

    repository: str
    branch: str = "main"
    baseurl: str | None = None

    def __post_init__(self):
        if not self.repository.startswith(("https://", "http://")):
            raise ValueError(
                f"repository.url must be an http(s) address, got {self.repository!r}"
            )
        object.__setattr__(self, "repository", self.repository.rstrip("/"))

    @classmethod
    def from_config(cls, config):
        """The address in a book's configuration (``_config.yml`` as a dict)."""
        repository = config.get("repository") or {}
        if not repository.get("url"):
            raise ValueError("_config.yml must set repository.url")
        html = config.get("html") or {}
        return cls(
            repository["url"],
            repository.get("branch") or "main",
            html.get("baseurl") or None,
        )

    @property
    def requirement(self):
        """What pip installs for a reader without the package (a PEP 508 line)."""
        return f"{REQUIREMENT} @ git+{self.repository}"

    @property
    def github(self):
        """``(owner, name)`` of a repository on GitHub, else None."""
        if not self.repository.startswith(GITHUB):
            return None
        parts = self.repository[len(GITHUB) :].split("/")
        if len(parts) != 2 or not all(parts):
            raise ValueError(
                f"a GitHub repository.url must be {GITHUB}OWNER/NAME, got {self.repository!r}"
            )
        owner, name = parts
        return owner, name.removesuffix(".git")

    @property
    def site(self):
        """The site's address, ending in ``/``: ``html.baseurl``, else GitHub Pages."""
        if self.baseurl:
            return self.baseurl.rstrip("/") + "/"
        if self.github is None:
            raise ValueError(
                "html.baseurl must be set in _config.yml for a repository outside"
                f" GitHub, got repository.url {self.repository!r}"
            )
        owner, name = self.github
        host = f"{owner.lower()}.github.io"
        # A repository named OWNER.github.io is published at the host's root.
        return f"https://{host}/" if name.lower() == host else f"https://{host}/{name}/"

    def colab(self, path, colab_url=COLAB_URL):
        """Colab's address of the file `path` of the repository (GitHub only)."""
        if self.github is None:
            raise ValueError(
                f"Colab opens notebooks on GitHub, not {self.repository!r}"
            )
        owner, name = self.github
        return (
            f"{colab_url.rstrip('/')}/github/{owner}/{name}/blob/{self.branch}/{path}"
        )


def load(root=ROOT):
    """The address in ``_config.yml`` of the book at `root`."""
    import yaml

    config = yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8"))
    return CourseAddress.from_config(config)
