"""Column recognition of Chinese and English headers."""
from analysis.ingest.schema import INCIDENT_FIELDS, guess_mapping


def test_guess_mapping_chinese_headers():
    headers = ["事件编号", "上报时间", "事件类型", "状态", "事发地址", "经度", "纬度", "办结时间", "处理期限", "备注"]
    assert guess_mapping(headers, INCIDENT_FIELDS) == {
        "incident_id": "事件编号", "reported_at": "上报时间", "category": "事件类型", "status": "状态",
        "address": "事发地址", "lon": "经度", "lat": "纬度", "closed_at": "办结时间", "due_at": "处理期限"}


def test_guess_mapping_english_headers_ignore_case_and_units():
    headers = ["CaseID", "Created", "Lng", "Latitude (WGS84)", "Closed_Dt"]
    mapping = guess_mapping(headers, INCIDENT_FIELDS)
    assert mapping == {"incident_id": "CaseID", "reported_at": "Created", "lon": "Lng", "lat": "Latitude (WGS84)",
                       "closed_at": "Closed_Dt"}
