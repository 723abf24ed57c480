"""A new store (店舗) record with every field a real store carries filled in.

The addresses, numbers and mail domains are fictional but shaped as the real ones are (Japanese post code,
prefecture-first address, area-code phone numbers); the settings are those a newly opened store has.
"""

from __future__ import annotations

from typing import Any

from smapify_pipeline.sandbox.smaregi import choices

SITES = (
    ("150-0041", "東京都渋谷区神南1-2-3", "03-5555-0101", "03-5555-0102"),
    ("530-0001", "大阪府大阪市北区梅田2-4-6", "06-5555-0201", "06-5555-0202"),
    ("272-0001", "千葉県市川市二俣新町1-1", "047-555-0301", "047-555-0302"),
)
"""(postCode, address, phoneNumber, faxNumber), taken in turn by store id."""


def new_store(store_id: str, name: str, code: str | None, division: str, now: str) -> dict[str, Any]:
    """The full record of store ``store_id`` as ``GET /stores/{id}`` sends it, every value a string."""
    post_code, address, phone, fax = SITES[(int(store_id) - 1) % len(SITES)]
    mail = f"store{int(store_id):04d}@example.co.jp"
    tax_normal, tax_reduce = choices.STORE_TAX_LABELS
    return {
        "storeId": store_id, "storeCode": code or f"{int(store_id):04d}", "storeName": name,
        "storeAbbr": name[:10], "printReceiptStoreName": name, "printStockReceiptStoreName": name,
        "division": division, "postCode": post_code, "address": address, "phoneNumber": phone,
        "faxNumber": fax, "mailAddress": mail, "homepage": "https://www.example.co.jp/",
        "tempTranMailAddress": mail, "priceChangeFlag": "1", "sellDivision": "0", "sumProcDivision": "1",
        "sumDateChangeTime": "0000", "sumRefColumn": "0", "pointNotApplicable": "0", "taxFreeDivision": "0",
        "maxBundleProductCount": "50", "maxDiscountRate": "100", "carriageDisplayFlag": "1",
        "terminalAdjustmentCashFlag": "1", "terminalCheckCashFlag": "0", "waiterAdjustmentDivision": "0",
        "savingAutoDivision": "0", "savingAutoPrice": "0", "cancelSettingDivision": "0",
        "roundingDivision": "00", "discountRoundingDivision": "0", "cardCompanySelectDivision": "0",
        "giftReceiptValidDays": "30", "taxLabelNormal": tax_normal, "taxLabelReduce": tax_reduce,
        "pauseFlag": "0", "displaySequence": store_id, "facePaymentUseDivision": "0",
        "insDateTime": now, "updDateTime": now,
    }  # fmt: skip
