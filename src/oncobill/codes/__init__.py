"""Code sets, answered as of the date of service.

Use one shared, lazily loaded object::

    from oncobill.codes import default_code_sets
    codes = default_code_sets()                 # bundled defaults + imported versions, loaded once

    codes.hcpcs("J9271", on=dos)                # HcpcsCode (name, valid_from/to, billing_unit "1 MG",
                                                #   opps_status) or None when unknown / not valid that day
    codes.hcpcs_is_valid("77385", on=dos)       # bool (CPT numbers too; 77385 ended 2025-12-31)
    codes.icd10_is_valid("C34.1")               # exists in ICD-10-CM (dots optional)
    codes.icd10_is_billable("C34.11")           # True; a category header such as "C34.1" is False
    codes.icd10_excludes1_conflict("C34.11", "C46.50")   # the Excludes1 note, or None
    codes.icd10_description("C34.11")           # text (non-neoplasm text loads simple-icd-10-cm once)
    codes.carc("45", on=dos) / codes.rarc("N362", on=dos)   # CodeText(description, deactivated) or None
    codes.pos("11")                             # "Office" or None
    codes.taxonomy("207RX0202X")                # NUCC display name or None
    codes.mue("J9271", "practitioner", on=dos)  # Mue(max_units, mai) ; setting "facility" for OPPS
    codes.ncci_pair("96413", "96360", on=dos)   # NcciEdit(modifier_indicator 0/1/9, setting) or None
    codes.ncci_pairs_among(["96365", "96372"], on=dos)   # every edit among a claim's codes
    codes.asp_limit("J9271", on=dos)            # AspLimit(payment_limit Decimal per unit) or None
    codes.pfs_rvu("77263", "", on=dos)          # PfsRvu(total RVUs non-facility/facility; None = NA) or None
    codes.ndc_to_hcpcs("00006302602")           # NdcCrosswalk(hcpcs, billing units per item...) or None
    codes.drug_codes("pembrolizumab", on=dos)   # ["J9271"]: HCPCS a recorded drug name can mean

    from oncobill.codes.ndc import is_ndc11, normalize_ndc
    normalize_ndc("0002-7597-01")               # "00002759701"; an unhyphenated 10-digit NDC is refused
    is_ndc11("00002759701")                     # True: the form a claim's LIN*N4 carries

Dates: every ``on=`` takes a ``datetime.date`` or ISO string; ``None`` means "the latest loaded".
ICD-10-CM answers from one release (FY2026, April 2026 update) whatever the date; CARC/RARC know
deactivation dates only for codes retired before about 2012.
HCPCS validity is per code (quarter granularity from I/OCE); ASP limits only answer inside their
quarter and PFS RVUs inside their calendar year; MUE, NCCI and the NDC crosswalk answer from the
version in force on the date (before the earliest loaded version, from the earliest). NCCI PTP
pairs bundled here are the hospital (I/OCE) edits standing in for practitioner edits until a
practitioner file is imported: ``NcciEdit.setting`` says which table answered. Fee schedules
(Medicare's ASP limits and PFS amounts, a practice's contract table) are in :mod:`oncobill.codes.fees`.

Coverage: HCPCS Level II is complete (CMS 2026 list; codes outside the I/OCE drug/G/C/S tables carry
no dates in the bundled copy until a quarterly HCPCS file is imported); CPT numbers are only those OncoBill codes
or edits (drug administration 96360-96549, radiation oncology 77261-77799, office E/M, and every
number in the bundled NCCI pairs and MUE table). For any other CPT number ``hcpcs_record()`` is
None, which means "not in our tables", not "invalid": a validator should only reject a CPT
number when ``hcpcs_record()`` knows it and ``hcpcs(code, on=dos)`` is None.

Updating: ``oncobill refdata import asp|ndc|mue|ncci|hcpcs FILE`` reads the official CMS layouts
(:mod:`oncobill.codes.importers`) into ``ONCOBILL_REFDATA_DIR`` (default ``./var/refdata``); then
call :func:`reset_default_code_sets` in long-running processes.

Speed: start-up with every set (ICD-10-CM included) loads in well under a second; look-ups are
dict hits. ICD-10-CM billability comes from a compact list built from ``simple-icd-10-cm`` 1.5.0,
so that package is imported only when a non-neoplasm description is asked for.
"""

from oncobill.codes.sets import (
    AspLimit,
    CodeSets,
    CodeText,
    HcpcsCode,
    Mue,
    NcciEdit,
    NdcCrosswalk,
    PfsRvu,
    default_code_sets,
    load_code_sets,
    reset_default_code_sets,
)

__all__ = [
    "AspLimit",
    "CodeSets",
    "CodeText",
    "HcpcsCode",
    "Mue",
    "NcciEdit",
    "NdcCrosswalk",
    "PfsRvu",
    "default_code_sets",
    "load_code_sets",
    "reset_default_code_sets",
]
