import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_notification'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(default=0, verbose_name='链尾序号')),
                ('head', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64, verbose_name='链尾值')),
                ('anchor_seq', models.BigIntegerField(default=0, verbose_name='归档锚点序号')),
                ('anchor_chain', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64, verbose_name='归档锚点链值')),
            ],
            options={
                'verbose_name': '审计日志链',
                'verbose_name_plural': '审计日志链',
            },
        ),
        migrations.AddField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(null=True, verbose_name='链序号'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='chain',
            field=models.CharField(default='', max_length=64, verbose_name='链值'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('create', '新增'), ('update', '修改'), ('delete', '删除'), ('login', '登录'), ('login_failed', '登录失败'), ('logout', '退出'), ('import', '导入'), ('export', '导出'), ('archive', '归档')], db_index=True, max_length=20, verbose_name='操作'),
        ),
    ]
