"""A realistic Japanese retail catalogue, deterministic for a seed, shared by both sandboxes.

One catalogue seeds both shops so they start linked: every variant's JAN-13 code is the Shopify SKU and
barcode *and* the Smaregi ``productCode``. Products are grouped (Smaregi ``groupCode`` = Shopify product),
variants differ by size and colour, prices are tax-included yen, food and drink carry the reduced 8% rate
and everything else 10%, and each location starts with its own stock.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

STANDARD_TAX_RATE = 10
REDUCED_TAX_RATE = 8

SIZES: dict[str, int] = {"small": 24, "medium": 1_000, "large": 20_000}
"""Approximate number of variants for each named size."""

LOCATION_NAMES = ("渋谷本店", "梅田店", "オンラインストア倉庫")


@dataclass(frozen=True)
class SeedLocation:
    index: int
    name: str


@dataclass(frozen=True)
class SeedCategory:
    code: str
    name: str
    tax_rate: int
    product_type: str
    """The Shopify productType for this category (Japanese, like the category name)."""


@dataclass(frozen=True)
class SeedVariant:
    code: str
    """JAN-13 with a valid check digit: Shopify SKU and barcode, Smaregi productCode."""
    size: str | None
    color: str | None
    price: int
    """Tax-included yen."""
    cost: int
    stock: tuple[int, ...]
    """Units on hand per location, by location index."""


@dataclass(frozen=True)
class SeedProduct:
    group_code: str
    title: str
    description: str
    category: SeedCategory
    tags: tuple[str, ...]
    variants: tuple[SeedVariant, ...]

    @property
    def tax_rate(self) -> int:
        return self.category.tax_rate


@dataclass(frozen=True)
class Catalogue:
    seed: int
    locations: tuple[SeedLocation, ...]
    categories: tuple[SeedCategory, ...]
    products: tuple[SeedProduct, ...]

    def variants(self) -> Iterator[tuple[SeedProduct, SeedVariant]]:
        for product in self.products:
            for variant in product.variants:
                yield product, variant

    @property
    def variant_count(self) -> int:
        return sum(len(p.variants) for p in self.products)


@dataclass(frozen=True)
class SeedSale:
    """A register sale: when, where, and (variant code, quantity) lines."""

    at: datetime
    location_index: int
    lines: tuple[tuple[str, int], ...]


CATEGORIES: tuple[SeedCategory, ...] = (
    SeedCategory("01", "トップス", STANDARD_TAX_RATE, "トップス"),
    SeedCategory("02", "ボトムス", STANDARD_TAX_RATE, "ボトムス"),
    SeedCategory("03", "雑貨", STANDARD_TAX_RATE, "雑貨"),
    SeedCategory("04", "食品", REDUCED_TAX_RATE, "食品"),
    SeedCategory("05", "飲料", REDUCED_TAX_RATE, "飲料"),
    SeedCategory("06", "キッチン用品", STANDARD_TAX_RATE, "キッチン用品"),
)

_NOUNS: dict[str, tuple[str, ...]] = {
    "01": ("Tシャツ", "シャツ", "パーカー", "カーディガン", "ニット", "ブラウス"),
    "02": ("デニムパンツ", "チノパン", "スカート", "ワイドパンツ", "ショートパンツ"),
    "03": ("トートバッグ", "ハンカチ", "靴下", "キャップ", "ストール", "手ぬぐい"),
    "04": (
        "ほうじ茶クッキー",
        "抹茶チョコレート",
        "柚子ジャム",
        "せんべい詰め合わせ",
        "羊羹",
        "ドライフルーツ",
    ),
    "05": ("緑茶ティーバッグ", "ドリップコーヒー", "麦茶", "甘酒", "ゆずサイダー"),
    "06": ("マグカップ", "箸セット", "急須", "豆皿", "木製トレイ", "土鍋"),
}
_ADJECTIVES = ("オーガニック", "ベーシック", "定番", "季節限定", "国産", "手作り", "ヴィンテージ", "やわらか")
_ORIGINS = ("京都", "北海道", "静岡", "沖縄", "岐阜", "鹿児島", "長野", "広島")
_SIZES = ("S", "M", "L", "XL")
_COLORS = ("ホワイト", "ブラック", "ネイビー", "グレー", "ベージュ", "グリーン")
_APPAREL = {"01", "02"}
_JAN_PREFIX = "49"  # Japan's GS1 prefix range 45/49


def jan_check_digit(first12: str) -> int:
    """GS1 check digit for a 12-digit body (weights 1,3,1,3… from the left)."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError(f"a JAN-13 body is 12 digits, got {first12!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def jan13(number: int, company: str = "12345") -> str:
    """The ``number``-th JAN-13 code of a company (prefix 49 + company + item number + check digit)."""
    body = f"{_JAN_PREFIX}{company}{number:05d}"
    if len(body) != 12:
        raise ValueError(f"item number {number} does not fit a JAN-13 body")
    return body + str(jan_check_digit(body))


def _round_price(yen: float) -> int:
    """Shop prices end in 0 (¥10 steps), as Japanese retail prices do."""
    return max(100, int(round(yen / 10.0)) * 10)


def _company_for(index: int) -> str:
    """Items 0..99,999 per company code; further items go to the next company code."""
    return f"{12345 + index // 100_000:05d}"


def build_catalogue(size: str | int = "small", seed: int = 0, locations: int = 2) -> Catalogue:
    """Build a catalogue of about ``size`` variants (a name from :data:`SIZES` or a number)."""
    target = SIZES[size] if isinstance(size, str) else int(size)
    if target < 1:
        raise ValueError(f"catalogue size must be at least 1 variant, got {size!r}")
    if not 1 <= locations <= len(LOCATION_NAMES):
        raise ValueError(f"locations must be 1..{len(LOCATION_NAMES)}, got {locations}")
    rng = random.Random(seed)
    seed_locations = tuple(SeedLocation(i, LOCATION_NAMES[i]) for i in range(locations))
    products: list[SeedProduct] = []
    next_item = 0
    while next_item < target:
        category = CATEGORIES[len(products) % len(CATEGORIES)]
        noun = rng.choice(_NOUNS[category.code])
        title = f"{rng.choice(_ORIGINS)}{rng.choice(_ADJECTIVES)}{noun}"
        base_price = _round_price(
            rng.uniform(300, 12_000) if category.code in _APPAREL else rng.uniform(200, 4_000)
        )
        options = _variant_options(rng, category.code, remaining=target - next_item)
        variants = []
        for size_name, color in options:
            price = base_price + (200 if size_name == "XL" else 0)
            variants.append(
                SeedVariant(
                    code=jan13(next_item % 100_000, _company_for(next_item)),
                    size=size_name,
                    color=color,
                    price=price,
                    cost=int(price * rng.uniform(0.35, 0.6)),
                    stock=tuple(rng.randint(0, 40) for _ in seed_locations),
                )
            )
            next_item += 1
        products.append(
            SeedProduct(
                group_code=f"G{len(products) + 1:06d}",
                title=title,
                description=f"<p>{title}。{category.name}の人気商品です。</p>",
                category=category,
                tags=tuple(sorted({category.name, rng.choice(("新商品", "定番", "セール対象", "ギフト"))})),
                variants=tuple(variants),
            )
        )
    return Catalogue(seed=seed, locations=seed_locations, categories=CATEGORIES, products=tuple(products))


def _variant_options(
    rng: random.Random, category_code: str, remaining: int
) -> list[tuple[str | None, str | None]]:
    if category_code in _APPAREL:
        sizes = rng.sample(_SIZES, rng.randint(1, 3))
        colors = rng.sample(_COLORS, rng.randint(1, 2))
        options: list[tuple[str | None, str | None]] = [(s, c) for c in colors for s in sizes]
    elif category_code == "03":
        options = [(None, c) for c in rng.sample(_COLORS, rng.randint(1, 3))]
    else:
        options = [(None, None)]
    return options[: max(1, remaining)]


def generate_sales(
    catalogue: Catalogue,
    count: int,
    seed: int = 0,
    start: datetime | None = None,
    days: int = 90,
) -> Iterator[SeedSale]:
    """``count`` register sales spread over ``days`` days from ``start``, in time order."""
    rng = random.Random(f"sales:{seed}")
    start = start or datetime(2026, 8, 1, tzinfo=UTC)
    codes = [v.code for _, v in catalogue.variants()]
    step = timedelta(days=days) / max(count, 1)
    for i in range(count):
        lines = tuple(
            (code, rng.randint(1, 3)) for code in rng.sample(codes, min(len(codes), rng.randint(1, 4)))
        )
        yield SeedSale(
            at=start + step * i,
            location_index=rng.randrange(len(catalogue.locations)),
            lines=lines,
        )
