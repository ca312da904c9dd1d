from django.db import migrations

OCCUPATIONS = [
    ("DCN", "Điện công nghiệp"),
    ("DDD", "Điện dân dụng"),
    ("DTU", "Điện tử công nghiệp"),
    ("LDN", "Lắp đặt điện nước"),
    ("MLA", "Kỹ thuật máy lạnh và điều hòa không khí"),
    ("OTO", "Công nghệ ô tô"),
    ("XMA", "Sửa chữa xe máy"),
    ("LXB", "Lái xe ô tô hạng B"),
    ("LXC", "Lái xe ô tô hạng C"),
    ("MTC", "Vận hành máy thi công"),
    ("HAN", "Hàn"),
    ("CGK", "Cắt gọt kim loại"),
    ("XDG", "Kỹ thuật xây dựng"),
    ("MOC", "Mộc dân dụng"),
    ("MAY", "May công nghiệp"),
    ("NAU", "Kỹ thuật chế biến món ăn"),
    ("NHS", "Nghiệp vụ nhà hàng, khách sạn"),
    ("THV", "Tin học văn phòng"),
    ("QTM", "Quản trị mạng máy tính"),
    ("DHO", "Thiết kế đồ họa"),
    ("LOG", "Logistics và kho vận"),
    ("BVE", "Nghiệp vụ bảo vệ"),
    ("CNU", "Chăn nuôi, thú y"),
    ("TRT", "Trồng trọt, bảo vệ thực vật"),
    ("TSA", "Nuôi trồng thủy sản"),
    ("TNH", "Tiếng Nhật (chuẩn bị đi làm việc ở nước ngoài)"),
    ("THA", "Tiếng Hàn (chuẩn bị đi làm việc ở nước ngoài)"),
]


def seed(apps, schema_editor):
    Occupation = apps.get_model("training", "Occupation")
    for code, name in OCCUPATIONS:
        Occupation.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
