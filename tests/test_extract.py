"""Extraction patterns, one test each, on short sentences written for the tests
(fictional people; no corpus text)."""

from __future__ import annotations

import pytest

from kg.articles import Article
from kg.extract import Extractor, Fact


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def facts(ex: Extractor, body: str, title: str = "Tin trong tỉnh") -> list[Fact]:
    return ex.extract(Article(id="test-0001", title=title, body=body, date="2024-05-12"))


def rows(ex: Extractor, body: str, relation: str) -> set[tuple[str, ...]]:
    """(person, post, body) of the membership facts of one relation."""
    return {(f.person, f.post, f.body) for f in facts(ex, body) if f.relation == relation}


def persons(ex: Extractor, body: str) -> set[str]:
    return {f.person for f in facts(ex, body) if f.person}


# --- holds ---------------------------------------------------------------------------------


def test_appositive_chain_shares_the_locality(ex: Extractor) -> None:
    body = "Ông Lê Văn Khải, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Nghệ An, phát biểu."
    assert rows(ex, body, "holds") == {
        ("Lê Văn Khải", "Phó Bí thư", "Tỉnh ủy Nghệ An"),
        ("Lê Văn Khải", "Chủ tịch", "UBND tỉnh Nghệ An"),
    }


def test_title_before_name(ex: Extractor) -> None:
    body = "Bí thư Tỉnh ủy Hà Tĩnh Trần Minh Quân đã đến thăm xã."
    assert rows(ex, body, "holds") == {("Trần Minh Quân", "Bí thư", "Tỉnh ủy Hà Tĩnh")}


def test_copula(ex: Extractor) -> None:
    body = "Ông Đinh Quang Hòa hiện là Giám đốc Sở Tư pháp tỉnh Phú Yên."
    assert rows(ex, body, "holds") == {("Đinh Quang Hòa", "Giám đốc", "Sở Tư pháp tỉnh Phú Yên")}


def test_label_ending_with_a_body_is_split(ex: Extractor) -> None:
    body = "Ông Tạ Minh Châu, Ủy viên Ban Thường vụ Tỉnh ủy Sơn La, dự lễ."
    assert rows(ex, body, "holds") == {("Tạ Minh Châu", "Ủy viên", "Ban Thường vụ Tỉnh ủy Sơn La")}


def test_place_name_then_person(ex: Extractor) -> None:
    body = "Chủ tịch UBND huyện Tương Dương Nguyễn Văn Hải cho biết đã có kế hoạch."
    assert rows(ex, body, "holds") == {("Nguyễn Văn Hải", "Chủ tịch", "UBND huyện Tương Dương")}


def test_unknown_acronym_body(ex: Extractor) -> None:
    body = "Phó Chủ tịch HLG tỉnh Thái Bình Lê Thị Hồng Nhung dự đại hội."
    assert rows(ex, body, "holds") == {("Lê Thị Hồng Nhung", "Phó Chủ tịch", "HLG tỉnh Thái Bình")}


def test_title_then_place_is_the_body(ex: Extractor) -> None:
    body = "Ông Võ Minh Trí, Bí thư tỉnh Bến Tre, dự lễ."
    assert rows(ex, body, "holds") == {("Võ Minh Trí", "Bí thư", "Tỉnh ủy Bến Tre")}


def test_fuller_body_wins_over_a_short_mention(ex: Extractor) -> None:
    body = ("Bộ trưởng Hoàng Văn Nam làm việc tại tỉnh. "
            "Bộ trưởng Bộ Xây dựng Hoàng Văn Nam đánh giá cao kết quả.")
    assert rows(ex, body, "holds") == {("Hoàng Văn Nam", "Bộ trưởng", "Bộ Xây dựng")}


def test_proxy_title_is_not_held(ex: Extractor) -> None:
    body = "Thừa ủy quyền Chủ tịch nước, Bí thư Tỉnh ủy Yên Bái Đàm Quang Lợi trao huân chương."
    assert rows(ex, body, "holds") == {("Đàm Quang Lợi", "Bí thư", "Tỉnh ủy Yên Bái")}


def test_workplace_rank_gives_no_fact(ex: Extractor) -> None:
    body = "Bác sĩ Trương Văn Lực, Trưởng khoa Khoa Nội, cho biết bệnh nhân đã ổn định."
    assert not rows(ex, body, "holds")


def test_rank_is_not_a_post(ex: Extractor) -> None:
    body = "Thiếu tướng Cù Văn Thịnh, Giám đốc Công an tỉnh Hà Giang, chỉ đạo lực lượng."
    assert rows(ex, body, "holds") == {("Cù Văn Thịnh", "Giám đốc", "Công an tỉnh Hà Giang")}


# --- held --------------------------------------------------------------------------------


def test_former_chain(ex: Extractor) -> None:
    body = "Ông Đỗ Văn Hưng, nguyên Bí thư Tỉnh ủy, nguyên Chủ tịch UBND tỉnh Quảng Bình, mất."
    assert rows(ex, body, "held") == {
        ("Đỗ Văn Hưng", "Bí thư", "Tỉnh ủy Quảng Bình"),
        ("Đỗ Văn Hưng", "Chủ tịch", "UBND tỉnh Quảng Bình"),
    }
    assert not rows(ex, body, "holds")


def test_former_deputy_keeps_the_deputy_post(ex: Extractor) -> None:
    """ "nguyên Phó Thủ tướng": a former deputy, not a former head (the trigger is
    "nguyên" alone; "Phó ..." belongs to the post)."""
    body = "Ông Trần Văn Lộc, nguyên Phó Thủ tướng Chính phủ, dự lễ."
    assert {r[1] for r in rows(ex, body, "held")} == {"Phó Thủ tướng"}
    body = "Bà Lê Thị Mai, nguyên Phó Chủ tịch nước, về thăm trường."
    assert {r[1] for r in rows(ex, body, "held")} == {"Phó Chủ tịch nước"}


def test_career_with_rồi(ex: Extractor) -> None:
    body = "Ông Lương Văn Đức từng làm Phó Giám đốc rồi Giám đốc Sở Công Thương tỉnh Cao Bằng."
    assert ("Lương Văn Đức", "Giám đốc", "Sở Công Thương tỉnh Cao Bằng") in rows(ex, body, "held")


def test_past_clause(ex: Extractor) -> None:
    body = "Thời ông Kiều Văn Sáng làm Bí thư Huyện ủy, dự án được phê duyệt."
    assert rows(ex, body, "held") == {("Kiều Văn Sáng", "Bí thư", "Huyện ủy")}


def test_career_list_after_a_colon(ex: Extractor) -> None:
    body = ("Bà Hà Thị Liên từng giữ các chức vụ: Phó Giám đốc Sở Tài chính tỉnh Lai Châu, "
            "Bí thư Huyện ủy Tam Đường; Chủ tịch UBND tỉnh Lai Châu.")
    assert rows(ex, body, "held") == {
        ("Hà Thị Liên", "Phó Giám đốc", "Sở Tài chính tỉnh Lai Châu"),
        ("Hà Thị Liên", "Bí thư", "Huyện ủy Tam Đường"),
        ("Hà Thị Liên", "Chủ tịch", "UBND tỉnh Lai Châu"),
    }
    assert not rows(ex, body, "holds")


def test_dated_career_list_is_former(ex: Extractor) -> None:
    body = ("Ông Vi Văn Khang sinh năm 1965. Ông là Bí thư Tỉnh ủy Bắc Kạn (8/2011); "
            "Phó Trưởng ban Ban Dân vận Trung ương (4/2015).")
    held = rows(ex, body, "held")
    assert ("Vi Văn Khang", "Bí thư", "Tỉnh ủy Bắc Kạn") in held
    assert len(held) == 2
    assert not rows(ex, body, "holds")


def test_former_post_in_a_subordinate_clause(ex: Extractor) -> None:
    body = ("Khi giữ cương vị Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Hà Giang, "
            "ông Lục Văn Sinh đã ký nhiều văn bản.")
    assert rows(ex, body, "held") == {
        ("Lục Văn Sinh", "Phó Bí thư", "Tỉnh ủy Hà Giang"),
        ("Lục Văn Sinh", "Chủ tịch", "UBND tỉnh Hà Giang"),
    }


def test_term_inside_a_former_chain(ex: Extractor) -> None:
    body = ("Ông Tôn Đức Mạnh, nguyên Bí thư Tỉnh ủy nhiệm kỳ 2010-2015, "
            "Chủ tịch HĐND tỉnh Yên Bái nhiệm kỳ 2011-2016, bị kỷ luật.")
    assert rows(ex, body, "held") == {
        ("Tôn Đức Mạnh", "Bí thư", "Tỉnh ủy Yên Bái"),
        ("Tôn Đức Mạnh", "Chủ tịch", "HĐND tỉnh Yên Bái"),
    }


def test_closed_past_period_is_former(ex: Extractor) -> None:
    body = "Từ năm 2004 đến năm 2009, ông Mai Văn Cường là Bí thư Tỉnh ủy Sơn La."
    assert rows(ex, body, "held") == {("Mai Văn Cường", "Bí thư", "Tỉnh ủy Sơn La")}
    body = "Từ năm 2016 đến nay, ông Mai Văn Cường là Bí thư Tỉnh ủy Sơn La."
    assert rows(ex, body, "holds") == {("Mai Văn Cường", "Bí thư", "Tỉnh ủy Sơn La")}


def test_lower_case_tail_of_a_body(ex: Extractor) -> None:
    body = "Ông Kha Văn Tâm, Phó Trưởng ban Tổ chức trung ương, dự họp."
    assert rows(ex, body, "holds") == {("Kha Văn Tâm", "Phó Trưởng ban", "Ban Tổ chức trung ương")}


# --- elected, appointed, dismissed ----------------------------------------------------------


def test_decision_framing_the_sentence(ex: Extractor) -> None:
    body = ("Theo phân công của Bộ Chính trị, ông Lạc Văn Hòa làm Trưởng ban Kinh tế Trung ương, "
            "ông Quách Văn Tư làm Bí thư Tỉnh ủy Hòa Bình.")
    assert rows(ex, body, "appointed") == {
        ("Lạc Văn Hòa", "Trưởng ban", "Ban Kinh tế Trung ương"),
        ("Quách Văn Tư", "Bí thư", "Tỉnh ủy Hòa Bình"),
    }


def test_elected_into_a_body_is_membership(ex: Extractor) -> None:
    body = "Ông Giáp Văn Lộc sinh năm 1962. Năm 2016, ông được bầu vào Ban Chấp hành Trung ương."
    assert rows(ex, body, "elected") == {("Giáp Văn Lộc", "Ủy viên", "Ban Chấp hành Trung ương")}


def test_predecessor_retiring_is_dismissed(ex: Extractor) -> None:
    body = "Ông Vương Đình Lâm làm Giám đốc Sở Y tế thay ông Khổng Văn Hậu (nghỉ hưu)."
    assert rows(ex, body, "dismissed") == {("Khổng Văn Hậu", "Giám đốc", "Sở Y tế")}
    body = "Ông Vương Đình Lâm làm Giám đốc Sở Y tế thay ông Khổng Văn Hậu."
    assert rows(ex, body, "held") == {("Khổng Văn Hậu", "Giám đốc", "Sở Y tế")}


def test_title_shares_the_body_of_a_membership(ex: Extractor) -> None:
    body = ("HĐND tỉnh đã miễn nhiệm chức danh Phó Chủ tịch, Ủy viên UBND tỉnh Tuyên Quang "
            "đối với ông Âu Văn Định.")
    assert rows(ex, body, "dismissed") == {
        ("Âu Văn Định", "Phó Chủ tịch", "UBND tỉnh Tuyên Quang"),
        ("Âu Văn Định", "Ủy viên", "UBND tỉnh Tuyên Quang"),
    }


def test_refusing_reelection_is_not_elected(ex: Extractor) -> None:
    body = "Ông Ninh Văn Hải xin không tái cử chức Chủ tịch UBND huyện Bảo Lạc."
    assert not rows(ex, body, "elected")


def test_elected(ex: Extractor) -> None:
    body = "Ông Phan Quốc Bảo được bầu làm Chủ tịch HĐND tỉnh Lào Cai."
    assert rows(ex, body, "elected") == {("Phan Quốc Bảo", "Chủ tịch", "HĐND tỉnh Lào Cai")}


def test_appointed_by_a_body(ex: Extractor) -> None:
    body = "UBND tỉnh Bình Định đã bổ nhiệm ông Ngô Thanh Tùng làm Giám đốc Sở Tài chính."
    assert rows(ex, body, "appointed") == {("Ngô Thanh Tùng", "Giám đốc", "Sở Tài chính")}
    assert not rows(ex, body, "holds")


def test_appointed_with_a_pronoun_subject(ex: Extractor) -> None:
    body = ("Bà Lò Thị Mai sinh năm 1970. Năm 2015, bà được bổ nhiệm làm Phó Giám đốc "
            "Sở Nội vụ tỉnh Điện Biên.")
    assert rows(ex, body, "appointed") == {
        ("Lò Thị Mai", "Phó Giám đốc", "Sở Nội vụ tỉnh Điện Biên")}


def test_succession_is_an_appointment(ex: Extractor) -> None:
    body = "Ông Trịnh Hữu Nghĩa làm Giám đốc Sở Xây dựng thay ông Mạc Văn Toàn."
    assert rows(ex, body, "appointed") == {("Trịnh Hữu Nghĩa", "Giám đốc", "Sở Xây dựng")}


def test_dismissed_against(ex: Extractor) -> None:
    body = "HĐND tỉnh đã miễn nhiệm chức vụ Phó Chủ tịch UBND tỉnh đối với ông Vũ Đình Lộc."
    assert rows(ex, body, "dismissed") == {("Vũ Đình Lộc", "Phó Chủ tịch", "UBND tỉnh")}


def test_dismissed_title_before_name(ex: Extractor) -> None:
    body = "Hôm nay Quốc hội miễn nhiệm Phó Chủ tịch Quốc hội Mai Văn Cường."
    assert rows(ex, body, "dismissed") == {("Mai Văn Cường", "Phó Chủ tịch", "Quốc hội")}


def test_proposal_is_not_a_decision(ex: Extractor) -> None:
    body = "Thành ủy giới thiệu bầu ông Hồ Văn Tâm làm Phó Chủ tịch UBND thành phố."
    assert not rows(ex, body, "elected")


# --- chairs ------------------------------------------------------------------------------


def test_chairs_with_short_reference(ex: Extractor) -> None:
    body = ("Bà Hà Thị Nguyệt, Giám đốc Sở Y tế tỉnh Hòa Bình, dự lễ. "
            "Sáng nay, bà Nguyệt chủ trì cuộc họp về phòng dịch.")
    found = facts(ex, body)
    assert {f.person for f in found if f.relation == "chairs"} == {"Hà Thị Nguyệt"}


def test_a_department_leading_a_task_is_not_chairing(ex: Extractor) -> None:
    body = "Sở Tài chính chủ trì, phối hợp với các sở thực hiện kế hoạch."
    assert not [f for f in facts(ex, body) if f.relation == "chairs"]


# --- persons -------------------------------------------------------------------------------


def test_short_reference_before_the_full_name(ex: Extractor) -> None:
    body = ("Theo bà Thu Hằng, kế hoạch đã xong. Bà Phùng Thị Thu Hằng là Giám đốc "
            "Sở Văn hóa tỉnh Lạng Sơn.")
    assert persons(ex, body) == {"Phùng Thị Thu Hằng"}


def test_honorific_inside_a_name(ex: Extractor) -> None:
    body = "Bộ trưởng Bộ Nội vụ Lê Minh Tân phát biểu; ông Trần Ngọc Anh dự họp."
    assert persons(ex, body) == {"Lê Minh Tân", "Trần Ngọc Anh"}


def test_byline_and_photo_credit_are_not_people(ex: Extractor) -> None:
    body = ("Ông Nông Văn Tường, Chủ tịch UBND tỉnh Cao Bằng, dự lễ (Ảnh: Hữu Phước/TTXVN).\n\n"
            "Minh Khuê")
    assert persons(ex, body) == {"Nông Văn Tường"}


def test_places_are_not_people(ex: Extractor) -> None:
    body = ("Đoàn đến thăm thị xã Hà Tiên và sân bay Chu Lai. "
            "Sau đó đoàn làm việc với Hà Tiên về du lịch trên đường Phan Đăng Lưu.")
    assert persons(ex, body) == set()


def test_foreign_name(ex: Extractor) -> None:
    body = "Tổng thống Chile Pedro Alvarez tiếp đoàn."
    assert rows(ex, body, "holds") == {("Pedro Alvarez", "Tổng thống", "Chile")}


# --- adopts and awards -----------------------------------------------------------------------


def test_adopts_by_verb(ex: Extractor) -> None:
    found = facts(ex, "Quốc hội đã thông qua Luật Đất đai sửa đổi.")
    assert {(f.body, f.resolution) for f in found if f.relation == "adopts"} == {
        ("Quốc hội", "Luật Đất đai sửa đổi")}


def test_adopts_by_genitive(ex: Extractor) -> None:
    found = facts(ex, "Hội nghị quán triệt Nghị quyết số 12-NQ/TW của Bộ Chính trị về kinh tế.")
    assert {(f.body, f.resolution) for f in found if f.relation == "adopts"} == {
        ("Bộ Chính trị", "Nghị quyết số 12-NQ/TW")}


def test_adopts_by_genitive_with_a_date(ex: Extractor) -> None:
    found = facts(ex, "Tỉnh triển khai kết luận số 45 ngày 3/5/2022 của Ban Bí thư về y tế.")
    assert {(f.body, f.resolution) for f in found if f.relation == "adopts"} == {
        ("Ban Bí thư", "kết luận số 45")}


def test_adopts_passive(ex: Extractor) -> None:
    found = facts(ex, "Luật Thủy lợi được Quốc hội thông qua ngày 19/6.")
    assert {(f.body, f.resolution) for f in found if f.relation == "adopts"} == {
        ("Quốc hội", "Luật Thủy lợi")}


def test_adopts_subject_opens_the_clause(ex: Extractor) -> None:
    found = facts(ex, "Chiều 14/6, Quốc hội họp phiên bế mạc và biểu quyết thông qua "
                      "Nghị quyết về hoạt động giám sát.")
    assert {(f.body, f.resolution) for f in found if f.relation == "adopts"} == {
        ("Quốc hội", "Nghị quyết về hoạt động giám sát")}


def test_delegated_or_proposed_act_is_not_adopted(ex: Extractor) -> None:
    for body in ("Bộ Chính trị yêu cầu các tỉnh ban hành Nghị quyết về chuyển đổi số.",
                 "Chính phủ trình Quốc hội thông qua Luật Thủy lợi."):
        assert not [f for f in facts(ex, body) if f.relation == "adopts"]


def test_awards_to_counted_groups(ex: Extractor) -> None:
    body = "Giám đốc Công an tỉnh Gia Lai đã tặng Bằng khen cho 3 tập thể, 12 cá nhân."
    found = [f for f in facts(ex, body) if f.relation == "awards"]
    assert {(f.award, f.recipient) for f in found} == {
        ("Bằng khen", "3 tập thể"), ("Bằng khen", "12 cá nhân")}


def test_awards_received_by_a_counted_group(ex: Extractor) -> None:
    body = "Tại buổi lễ, 40 gia đình tiêu biểu đã được nhận Bằng khen của UBND tỉnh Kon Tum."
    found = [f for f in facts(ex, body) if f.relation == "awards"]
    assert {(f.award, f.recipient) for f in found} == {
        ("Bằng khen của UBND tỉnh Kon Tum", "40 gia đình tiêu biểu")}


def test_chairs_under_the_chairmanship_of(ex: Extractor) -> None:
    body = "Dưới sự chủ trì của Bí thư Tỉnh ủy Đinh Văn Phúc, hội nghị đã thảo luận."
    assert {f.person for f in facts(ex, body) if f.relation == "chairs"} == {"Đinh Văn Phúc"}


def test_awards(ex: Extractor) -> None:
    body = "Chủ tịch nước quyết định tặng Huân chương Lao động hạng Ba cho Công ty Cổ phần Sao Mai."
    found = [f for f in facts(ex, body) if f.relation == "awards"]
    assert {(f.giver, f.award, f.recipient) for f in found} == {
        ("Chủ tịch nước", "Huân chương Lao động hạng Ba", "Công ty Cổ phần Sao Mai")}


def test_proposed_award_is_not_conferred(ex: Extractor) -> None:
    body = "Sở đề nghị tặng Bằng khen cho Trường Tiểu học Kim Đồng."
    assert not [f for f in facts(ex, body) if f.relation == "awards"]


# --- no facts in non-political text ------------------------------------------------------------


def test_no_facts_in_plain_news(ex: Extractor) -> None:
    body = ("Đội tuyển bóng đá thắng 2-0 trong trận đấu tối qua. Huấn luyện viên trưởng "
            "Park Min Soo cho biết các cầu thủ đã chơi tốt. Giám đốc điều hành câu lạc bộ "
            "hài lòng với kết quả.")
    assert not [f for f in facts(ex, body) if f.relation != "mentions"]


def test_spans_cover_the_evidence(ex: Extractor) -> None:
    art = Article(id="test-0002", title="Tin", date=None,
                  body="Ông Lê Văn Khải, Chủ tịch UBND tỉnh Nghệ An, phát biểu.")
    for f in Extractor().extract(art):
        assert f.sentence in art.text
        assert art.text[f.start:f.end] in f.sentence


def test_historical_person_named_like_a_city(ex: Extractor) -> None:
    body = ("Hội nghị tổ chức tại TP Hồ Chí Minh. Sinh thời, Chủ tịch Hồ Chí Minh luôn "
            "quan tâm đến giáo dục.")
    assert rows(ex, body, "held") == {("Hồ Chí Minh", "Chủ tịch", "")}
    assert not rows(ex, body, "holds")


def test_lower_case_syllable_of_a_capitalised_word_stays_in_the_body(ex: Extractor) -> None:
    body = "Ông Hà Văn Lực - Trưởng Ban Công tác đoàn viên đọc tờ trình."
    assert rows(ex, body, "holds") == {("Hà Văn Lực", "Trưởng Ban", "Ban Công tác")}


def test_body_word_before_a_verb_is_kept_whole(ex: Extractor) -> None:
    body = "Ông Đỗ Minh Khang - Giám đốc Sở Khoa học tỉnh Phú Yên trình bày báo cáo."
    assert rows(ex, body, "holds") == {
        ("Đỗ Minh Khang", "Giám đốc", "Sở Khoa học tỉnh Phú Yên")}


def test_party_post_before_a_district_is_its_committee(ex: Extractor) -> None:
    body = "Ông Lò Văn Páo, Phó Bí thư huyện Mường Tè, dự lễ."
    assert rows(ex, body, "holds") == {("Lò Văn Páo", "Phó Bí thư", "Huyện ủy Mường Tè")}


def test_order_without_a_named_giver_is_conferred_by_the_president(ex: Extractor) -> None:
    body = "Trường Tiểu học Hoa Mai được tặng Huân chương Lao động hạng Ba."
    got = [f for f in facts(ex, body) if f.relation == "awards"]
    assert [(f.giver, f.recipient) for f in got] == [("Chủ tịch nước", "Trường Tiểu học Hoa Mai")]


def test_moving_to_a_post_is_an_appointment(ex: Extractor) -> None:
    body = "Ông Lý Văn Cường, Phó Giám đốc Sở Tư pháp, về làm Giám đốc Sở Nội vụ tỉnh Hòa Bình."
    assert rows(ex, body, "appointed") == {
        ("Lý Văn Cường", "Giám đốc", "Sở Nội vụ tỉnh Hòa Bình")}


def test_family_name_that_is_also_a_body_head_after_an_honorific(ex: Extractor) -> None:
    body = "Ông Đoàn Minh Triết, Chủ tịch UBND huyện Yên Thế, phát biểu."
    assert rows(ex, body, "holds") == {("Đoàn Minh Triết", "Chủ tịch", "UBND huyện Yên Thế")}


def test_a_country_is_not_shared_along_a_chain(ex: Extractor) -> None:
    body = ("Ông Tống Văn Hiệp, Ủy viên Bộ Chính trị, Chủ tịch Ủy ban Trung ương Mặt trận "
            "Tổ quốc Việt Nam, dự lễ.")
    got = rows(ex, body, "holds")
    assert ("Tống Văn Hiệp", "Ủy viên", "Bộ Chính trị") in got
